import fc from 'fast-check';
import { evaluateStatementDiscount, formatLongDate, type DiscountSelectionItem, type StatementForDiscount, type StatementItemState } from './statement-discount';

const item = (itemType: StatementItemState['itemType'], itemId: string, amount: number, overrides: Partial<StatementItemState> = {}): StatementItemState => ({
  itemType, itemId, number: itemId.toUpperCase(), statementAmountCents: amount, openCents: amount, reservedCents: 0, ...overrides,
});

const statement = (overrides: Partial<StatementForDiscount> = {}): StatementForDiscount => ({
  id: 'st-1',
  number: 'S-1001',
  status: 'open',
  discountCents: 2_500,
  discountDate: '2026-11-10',
  items: [item('invoice', 'inv-1', 60_000), item('invoice', 'inv-2', 40_000), item('debit', 'dm-1', 5_000), item('credit', 'cm-1', 3_000)],
  ...overrides,
});

const payAll = (s: StatementForDiscount): DiscountSelectionItem[] => s.items.map((i) => ({ itemType: i.itemType, itemId: i.itemId, payingCents: i.openCents }));

describe('evaluateStatementDiscount', () => {
  it('grants the discount for the whole statement paid from Current Statement on the discount date', () => {
    const s = statement();
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: payAll(s), today: '2026-11-10' })).toEqual({
      eligible: true,
      discountCents: 2_500,
      code: 'eligible',
      reason: 'Paying statement S-1001 in full by November 10, 2026 earns a $25.00 discount.',
    });
  });

  it('grants it before the discount date and refuses it the day after', () => {
    const s = statement();
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: payAll(s), today: '2026-10-31' }).eligible).toBe(true);
    const late = evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: payAll(s), today: '2026-11-11' });
    expect(late).toMatchObject({ eligible: false, discountCents: 0, code: 'past_discount_date' });
    expect(late.reason).toBe('The discount on statement S-1001 was available for payments made by November 10, 2026.');
  });

  it.each(['all', 'new_charges', 'amount'] as const)('does not grant it for the same items paid from %s', (sourceView) => {
    const s = statement();
    const result = evaluateStatementDiscount({ statement: s, sourceView, selection: payAll(s), today: '2026-11-01' });
    expect(result).toMatchObject({ eligible: false, discountCents: 0, code: 'wrong_view' });
    expect(result.reason).toMatch(/Current Statement view/);
  });

  it('names the view the items came from', () => {
    const s = statement();
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'all', selection: payAll(s), today: '2026-11-01' }).reason).toMatch(/not from All\.$/);
  });

  it('refuses it when an item is left out or paid only in part', () => {
    const s = statement();
    const withoutDebit = payAll(s).filter((i) => i.itemId !== 'dm-1');
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: withoutDebit, today: '2026-11-01' })).toMatchObject({
      eligible: false, code: 'not_full_statement', reason: 'The discount needs the whole of statement S-1001 paid in one payment; DM-1 is not included.',
    });
    const partial = payAll(s).map((i) => (i.itemId === 'inv-2' ? { ...i, payingCents: 39_999 } : i));
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: partial, today: '2026-11-01' }).reason).toMatch(/INV-2 is paid only in part/);
  });

  it('requires the statement credits to be used in full too', () => {
    const s = statement();
    const withoutCredit = payAll(s).filter((i) => i.itemType !== 'credit');
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: withoutCredit, today: '2026-11-01' }).code).toBe('not_full_statement');
  });

  it('refuses it once part of the statement has been paid since it was issued', () => {
    const s = statement({ items: [item('invoice', 'inv-1', 60_000, { openCents: 50_000 }), item('invoice', 'inv-2', 40_000)] });
    const result = evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' });
    expect(result).toMatchObject({ eligible: false, code: 'statement_partly_paid' });
    expect(result.reason).toBe('Part of statement S-1001 has already been paid (INV-1), so the discount for paying it in full no longer applies.');
  });

  it('refuses it when an item is fully paid already and so cannot be selected', () => {
    const s = statement({ items: [item('invoice', 'inv-1', 60_000, { openCents: 0 }), item('invoice', 'inv-2', 40_000)] });
    const selection = [{ itemType: 'invoice' as const, itemId: 'inv-2', payingCents: 40_000 }];
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection, today: '2026-11-01' }).code).toBe('statement_partly_paid');
  });

  it('refuses it while another payment holds part of the statement', () => {
    const s = statement({ items: [item('invoice', 'inv-1', 60_000, { reservedCents: 1_000 }), item('invoice', 'inv-2', 40_000)] });
    const result = evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' });
    expect(result).toMatchObject({ eligible: false, code: 'payment_in_progress' });
    expect(result.reason).toMatch(/Another payment already covers part of statement S-1001 \(INV-1\)/);
  });

  it('refuses it when the payment also carries items not on the statement', () => {
    const s = statement();
    const selection = [...payAll(s), { itemType: 'invoice' as const, itemId: 'inv-9', payingCents: 100 }];
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection, today: '2026-11-01' }).code).toBe('items_outside_statement');
  });

  it('explains a missing statement, a statement without discount, and a closed or paid statement', () => {
    const s = statement();
    expect(evaluateStatementDiscount({ statement: null, sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' })).toMatchObject({ code: 'no_statement', eligible: false });
    expect(evaluateStatementDiscount({ statement: statement({ discountCents: 0 }), sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' })).toMatchObject({
      code: 'no_discount', reason: 'Statement S-1001 offers no early-payment discount.',
    });
    expect(evaluateStatementDiscount({ statement: statement({ discountDate: null }), sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' }).code).toBe('no_discount');
    expect(evaluateStatementDiscount({ statement: statement({ status: 'paid' }), sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' }).reason).toMatch(/already paid/);
    expect(evaluateStatementDiscount({ statement: statement({ status: 'closed' }), sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' }).code).toBe('statement_not_open');
  });

  it('gives the most definitive reason first: a late payment from All hears about the date', () => {
    const s = statement();
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'all', selection: payAll(s), today: '2026-12-01' }).code).toBe('past_discount_date');
  });

  it('never discounts more than the net paid', () => {
    const s = statement({ discountCents: 5_000, items: [item('invoice', 'inv-1', 4_000), item('credit', 'cm-1', 1_000)] });
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: payAll(s), today: '2026-11-01' }).discountCents).toBe(3_000);
  });

  it('ignores statement lines with nothing on them', () => {
    const s = statement({ items: [item('invoice', 'inv-1', 4_000), item('credit', 'cm-0', 0)] });
    expect(evaluateStatementDiscount({ statement: s, sourceView: 'current_statement', selection: [{ itemType: 'invoice', itemId: 'inv-1', payingCents: 4_000 }], today: '2026-11-01' }).eligible).toBe(true);
  });

  it('formats dates without locale data', () => {
    expect(formatLongDate('2026-01-05')).toBe('January 5, 2026');
    expect(formatLongDate('2027-12-31')).toBe('December 31, 2027');
  });

  it('grants a discount only if every condition holds (property)', () => {
    const arbItem = fc.record({
      itemType: fc.constantFrom<'invoice' | 'debit' | 'credit'>('invoice', 'debit', 'credit'),
      itemId: fc.constantFrom('a', 'b', 'c', 'd'),
      statementAmountCents: fc.nat({ max: 10_000 }),
      paidSince: fc.oneof(fc.constant(0), fc.nat({ max: 10_000 })),
      reservedCents: fc.oneof(fc.constant(0), fc.constant(0), fc.nat({ max: 100 })),
      payShare: fc.oneof(fc.constant(1), fc.constant(1), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
      included: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbItem, { selector: (i) => `${i.itemType}:${i.itemId}`, maxLength: 6 }),
        fc.constantFrom<'all' | 'current_statement' | 'new_charges' | 'amount'>('current_statement', 'current_statement', 'all', 'amount'),
        fc.constantFrom('2026-11-09', '2026-11-10', '2026-11-11'),
        fc.nat({ max: 3_000 }),
        (rows, sourceView, today, discountCents) => {
          const items = rows.map((r) => {
            const openCents = Math.max(0, r.statementAmountCents - r.paidSince);
            return { itemType: r.itemType, itemId: r.itemId, number: r.itemId, statementAmountCents: r.statementAmountCents, openCents, reservedCents: Math.min(r.reservedCents, openCents) };
          });
          const s: StatementForDiscount = { id: 's', number: 'S', status: 'open', discountCents, discountDate: '2026-11-10', items };
          const selection = rows.flatMap((r, i) => (r.included ? [{ itemType: r.itemType, itemId: r.itemId, payingCents: Math.floor(items[i]!.openCents * r.payShare) }] : []));
          const result = evaluateStatementDiscount({ statement: s, sourceView, selection, today });
          const live = items.filter((i) => i.statementAmountCents > 0 || i.openCents > 0);
          const whole = live.every((i) => i.reservedCents === 0 && i.openCents === i.statementAmountCents
            && selection.some((x) => x.itemType === i.itemType && x.itemId === i.itemId && x.payingCents === i.openCents));
          const expected = discountCents > 0 && today <= '2026-11-10' && sourceView === 'current_statement' && whole;
          if (result.eligible !== expected) return false;
          if (!result.eligible) return result.discountCents === 0 && result.code !== 'eligible' && result.reason.length > 0;
          const net = selection.reduce((t, x) => t + (x.itemType === 'credit' ? -x.payingCents : x.payingCents), 0);
          return result.discountCents === Math.max(0, Math.min(discountCents, net));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

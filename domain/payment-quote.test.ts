import fc from 'fast-check';
import type { FeeSchedule } from './fees';
import { paymentSelectionSchema, QuoteInputError, quotePayment, type ApplicationLine, type QuoteInput, type QuoteItem, type QuoteResult } from './payment-quote';
import type { StatementForDiscount } from './statement-discount';
import { propertyRuns } from '../test/support/property-runs';

const noFees: FeeSchedule = { feePayer: 'dealer', achFeeCents: 0, cardCreditRateBps: 0, cardDebitRateBps: 0, cardFlatFeeCents: 0, surchargeForbiddenStates: [] };
const customerFees: FeeSchedule = { feePayer: 'customer', achFeeCents: 150, cardCreditRateBps: 290, cardDebitRateBps: 150, cardFlatFeeCents: 30, surchargeForbiddenStates: ['CT'] };

const invoice = (id: string, openCents: number, dueDate: string | null, overrides: Partial<QuoteItem> = {}): QuoteItem => ({
  itemType: 'invoice', id, number: id.toUpperCase(), dueDate, status: 'open', openCents, reservedCents: 0, ...overrides,
});
const debit = (id: string, openCents: number, dueDate: string | null, overrides: Partial<QuoteItem> = {}): QuoteItem => ({
  ...invoice(id, openCents, dueDate), itemType: 'debit', ...overrides,
});
const credit = (id: string, openCents: number, overrides: Partial<QuoteItem> = {}): QuoteItem => ({
  ...invoice(id, openCents, null), itemType: 'credit', ...overrides,
});

const input = (overrides: Partial<QuoteInput> = {}): QuoteInput => ({
  items: [],
  sourceView: 'all',
  method: 'ach',
  feeSchedule: noFees,
  allowPartialPayments: true,
  today: '2026-11-05',
  ...overrides,
});

function ok(result: QuoteResult) {
  if (!result.ok) throw new Error(`expected a quote, got ${JSON.stringify(result.errors)}`);
  return result.quote;
}
function codes(result: QuoteResult) {
  if (result.ok) throw new Error('expected errors, got a quote');
  return result.errors.map((error) => error.code);
}
const short = (lines: ApplicationLine[]) => lines.map((l) => [l.itemType, l.itemId, l.amountCents, l.appliedToInvoiceId ?? l.appliedToDebitId ?? undefined].filter((x) => x !== undefined));

describe('quotePayment', () => {
  describe('selected items', () => {
    it('pays each selected invoice and debit in full, oldest first', () => {
      const quote = ok(quotePayment(input({ items: [invoice('inv-2', 5_000, '2026-11-20'), debit('dm-1', 700, '2026-10-01'), invoice('inv-1', 3_000, '2026-11-01')] })));
      expect(short(quote.lines)).toEqual([['debit', 'dm-1', 700], ['invoice', 'inv-1', 3_000], ['invoice', 'inv-2', 5_000]]);
      expect(quote).toMatchObject({ itemsCents: 8_700, creditsCents: 0, discountCents: 0, feeCents: 0, amountCents: 8_700, partial: false });
    });

    it('applies a credit to the oldest selected invoice, splitting it when needed', () => {
      const quote = ok(quotePayment(input({ items: [invoice('inv-1', 3_000, '2026-11-01'), invoice('inv-2', 5_000, '2026-11-20'), credit('cm-1', 4_000)] })));
      expect(short(quote.lines)).toEqual([
        ['invoice', 'inv-1', 3_000],
        ['invoice', 'inv-2', 5_000],
        ['credit', 'cm-1', 3_000, 'inv-1'],
        ['credit', 'cm-1', 1_000, 'inv-2'],
      ]);
      expect(quote).toMatchObject({ itemsCents: 8_000, creditsCents: 4_000, amountCents: 4_000 });
    });

    it('applies credits to debits only when no invoice is left to take them', () => {
      const quote = ok(quotePayment(input({ items: [debit('dm-1', 2_000, '2026-01-01'), invoice('inv-1', 1_000, '2026-11-01'), credit('cm-1', 1_500)] })));
      const creditLines = quote.lines.filter((l) => l.itemType === 'credit');
      expect(creditLines).toEqual([
        { itemType: 'credit', itemId: 'cm-1', number: 'CM-1', amountCents: 1_000, appliedToInvoiceId: 'inv-1', appliedToDebitId: null },
        { itemType: 'credit', itemId: 'cm-1', number: 'CM-1', amountCents: 500, appliedToInvoiceId: null, appliedToDebitId: 'dm-1' },
      ]);
    });

    it('pays only what is not reserved by another payment in flight', () => {
      const quote = ok(quotePayment(input({ items: [invoice('inv-1', 10_000, '2026-11-01', { reservedCents: 4_000, status: 'partially_paid' })] })));
      expect(quote.lines[0]!.amountCents).toBe(6_000);
      expect(quote.partial).toBe(false);
    });

    it('uses part of a credit when asked to', () => {
      const quote = ok(quotePayment(input({ items: [invoice('inv-1', 3_000, null), credit('cm-1', 5_000, { partialCents: 1_000 })], allowPartialPayments: false })));
      expect(quote).toMatchObject({ creditsCents: 1_000, amountCents: 2_000 });
    });

    it('explains items that cannot be paid', () => {
      const result = quotePayment(input({
        items: [
          invoice('inv-paid', 0, '2026-01-01', { status: 'paid' }),
          invoice('inv-void', 500, '2026-01-02', { status: 'void' }),
          invoice('inv-held', 500, '2026-01-03', { reservedCents: 500 }),
          credit('cm-used', 0, { status: 'applied' }),
          invoice('inv-ok', 500, '2026-01-04'),
        ],
      }));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toEqual([
        { code: 'item_not_payable', itemType: 'invoice', itemId: 'inv-paid', message: 'Invoice INV-PAID is already paid.' },
        { code: 'item_not_payable', itemType: 'invoice', itemId: 'inv-void', message: 'Invoice INV-VOID has been voided.' },
        { code: 'item_in_other_payment', itemType: 'invoice', itemId: 'inv-held', message: 'Invoice INV-HELD is already covered by a payment being processed.' },
        { code: 'item_not_payable', itemType: 'credit', itemId: 'cm-used', message: 'Credit CM-USED has already been used in full.' },
      ]);
    });

    it('refuses an item selected twice', () => {
      const result = quotePayment(input({ items: [invoice('inv-1', 500, null), invoice('inv-1', 500, null), invoice('inv-2', 1, null)] }));
      expect(result).toEqual({ ok: false, errors: [{ code: 'duplicate_item', itemType: 'invoice', itemId: 'inv-1', message: 'Invoice INV-1 is selected more than once.' }] });
    });

    it('refuses an empty selection', () => {
      expect(codes(quotePayment(input()))).toEqual(['nothing_selected']);
    });
  });

  describe('partial payments', () => {
    it('pays part of an invoice when the dealer allows it', () => {
      const quote = ok(quotePayment(input({ items: [invoice('inv-1', 10_000, null, { partialCents: 2_500 })] })));
      expect(quote).toMatchObject({ itemsCents: 2_500, amountCents: 2_500, partial: true });
    });

    it('refuses a partial payment when the dealer does not allow it, but accepts the full amount spelled out', () => {
      const result = quotePayment(input({ allowPartialPayments: false, items: [invoice('inv-1', 10_000, null, { partialCents: 2_500 })] }));
      expect(result).toEqual({ ok: false, errors: [{ code: 'partial_not_allowed', itemType: 'invoice', itemId: 'inv-1', message: 'Your supplier does not accept partial payments; Invoice INV-1 must be paid in full ($100.00).' }] });
      expect(ok(quotePayment(input({ allowPartialPayments: false, items: [invoice('inv-1', 10_000, null, { partialCents: 10_000 })] }))).partial).toBe(false);
    });

    it('refuses a partial above the open unreserved balance, saying what is held', () => {
      const result = quotePayment(input({ items: [invoice('inv-1', 10_000, null, { reservedCents: 4_000, partialCents: 6_001 })] }));
      expect(result).toEqual({
        ok: false,
        errors: [{ code: 'amount_above_balance', itemType: 'invoice', itemId: 'inv-1', message: 'You cannot pay $60.01 on Invoice INV-1: at most $60.00 is available ($40.00 of its $100.00 is in a payment being processed).' }],
      });
      expect(codes(quotePayment(input({ items: [invoice('inv-1', 1_000, null), credit('cm-1', 500, { partialCents: 501 })] })))).toEqual(['amount_above_balance']);
    });

    it.each([0, -100, 10.5, Number.NaN])('refuses a partial amount of %p', (partialCents) => {
      expect(codes(quotePayment(input({ items: [invoice('inv-1', 10_000, null, { partialCents })] })))).toEqual(['invalid_amount']);
    });
  });

  describe('credits and totals', () => {
    it('refuses credits larger than the items', () => {
      const result = quotePayment(input({ items: [invoice('inv-1', 1_000, null), credit('cm-1', 1_500)] }));
      expect(result).toEqual({ ok: false, errors: [{ code: 'credits_exceed_items', message: 'The credits selected ($15.00) are more than the invoices and debits selected ($10.00); use less credit or select more to pay.' }] });
      expect(codes(quotePayment(input({ items: [credit('cm-1', 1_500)] })))).toEqual(['credits_exceed_items']);
    });

    it('refuses a payment of nothing when credits cover the items exactly', () => {
      expect(codes(quotePayment(input({ items: [invoice('inv-1', 1_000, null), credit('cm-1', 1_000)] })))).toEqual(['total_not_positive']);
    });

    it('adds the customer fee on top and records the processing cost', () => {
      const ach = ok(quotePayment(input({ feeSchedule: customerFees, items: [invoice('inv-1', 100_000, null), credit('cm-1', 10_000)] })));
      expect(ach).toMatchObject({ itemsCents: 100_000, creditsCents: 10_000, feeCents: 150, processingCostCents: 150, amountCents: 90_150, cardFunding: null });
      expect(ach.fee.kind).toBe('ach_fee');
      const card = ok(quotePayment(input({ feeSchedule: customerFees, method: 'card', cardFunding: 'credit', billingState: 'TX', items: [invoice('inv-1', 100_000, null), credit('cm-1', 10_000)] })));
      // 2.90% of $900.00 = $26.10 + $0.30 = $26.40, under the 3% cap of $27.00.
      expect(card).toMatchObject({ feeCents: 2_640, amountCents: 92_640, cardFunding: 'credit' });
      const debitCard = ok(quotePayment(input({ feeSchedule: customerFees, method: 'card', cardFunding: 'debit', billingState: 'TX', items: [invoice('inv-1', 100_000, null)] })));
      expect(debitCard).toMatchObject({ feeCents: 0, amountCents: 100_000 });
      expect(debitCard.fee.explanation).toMatch(/debit card/);
      expect(debitCard.processingCostCents).toBe(1_530);
    });

    it('keeps the fee explanation for the preview even when there is no fee', () => {
      const quote = ok(quotePayment(input({ items: [invoice('inv-1', 1_000, null)] })));
      expect(quote.fee.explanation).toMatch(/supplier covers/);
      expect(quote.discount.code).toBe('no_statement');
    });

    it('refuses a charge whose total differs from the preview', () => {
      const preview = ok(quotePayment(input({ feeSchedule: customerFees, items: [invoice('inv-1', 10_000, null)] })));
      expect(ok(quotePayment(input({ feeSchedule: customerFees, items: [invoice('inv-1', 10_000, null)], expectedAmountCents: preview.amountCents })))).toEqual(preview);
      const result = quotePayment(input({ feeSchedule: customerFees, items: [invoice('inv-1', 10_000, null, { reservedCents: 1_000 })], expectedAmountCents: preview.amountCents }));
      expect(result).toEqual({ ok: false, errors: [{ code: 'amount_changed', message: 'The total is now $91.50, not the $101.50 shown before; please review the payment again.' }] });
    });
  });

  describe('statement discount', () => {
    const statement: StatementForDiscount = {
      id: 'st-1', number: 'S-1', status: 'open', discountCents: 1_000, discountDate: '2026-11-10',
      items: [
        { itemType: 'invoice', itemId: 'inv-1', number: 'INV-1', statementAmountCents: 30_000, openCents: 30_000, reservedCents: 0 },
        { itemType: 'invoice', itemId: 'inv-2', number: 'INV-2', statementAmountCents: 20_000, openCents: 20_000, reservedCents: 0 },
        { itemType: 'credit', itemId: 'cm-1', number: 'CM-1', statementAmountCents: 5_000, openCents: 5_000, reservedCents: 0 },
      ],
    };
    const items = [invoice('inv-1', 30_000, '2026-10-15'), invoice('inv-2', 20_000, '2026-10-30'), credit('cm-1', 5_000)];

    it('takes the discount off the full statement paid from Current Statement by the discount date, as its own line', () => {
      const quote = ok(quotePayment(input({ sourceView: 'current_statement', statement, items, feeSchedule: customerFees, today: '2026-11-10' })));
      expect(quote).toMatchObject({ itemsCents: 50_000, creditsCents: 5_000, discountCents: 1_000, feeCents: 150, amountCents: 44_150, statementId: 'st-1' });
      expect(quote.lines.at(-1)).toEqual({ itemType: 'discount', itemId: 'st-1', number: 'S-1', amountCents: 1_000, appliedToInvoiceId: null, appliedToDebitId: null });
      expect(quote.discount.eligible).toBe(true);
    });

    it('computes a card surcharge on the discounted amount', () => {
      const quote = ok(quotePayment(input({ sourceView: 'current_statement', statement, items, feeSchedule: customerFees, method: 'card', cardFunding: 'credit', billingState: 'TX' })));
      // Base $440.00: 2.90% = $12.76, + $0.30 = $13.06.
      expect(quote).toMatchObject({ discountCents: 1_000, feeCents: 1_306, amountCents: 45_306 });
    });

    it('does not discount the same items paid from All, and says why', () => {
      const quote = ok(quotePayment(input({ sourceView: 'all', statement, items })));
      expect(quote).toMatchObject({ discountCents: 0, amountCents: 45_000 });
      expect(quote.lines.some((l) => l.itemType === 'discount')).toBe(false);
      expect(quote.discount).toMatchObject({ eligible: false, code: 'wrong_view' });
    });

    it('does not discount after the discount date or for part of the statement', () => {
      expect(ok(quotePayment(input({ sourceView: 'current_statement', statement, items, today: '2026-11-11' }))).discount.code).toBe('past_discount_date');
      expect(ok(quotePayment(input({ sourceView: 'current_statement', statement, items: items.slice(1) }))).discount.code).toBe('not_full_statement');
      const partly = [invoice('inv-1', 30_000, '2026-10-15', { partialCents: 29_000 }), ...items.slice(1)];
      expect(ok(quotePayment(input({ sourceView: 'current_statement', statement, items: partly }))).discount.code).toBe('not_full_statement');
    });
  });

  describe('pay an amount', () => {
    const open = [invoice('inv-3', 5_000, '2026-12-01'), invoice('inv-1', 2_000, '2026-10-01'), debit('dm-1', 1_000, '2026-10-15'), invoice('inv-2', 3_000, '2026-10-15')];

    it('spreads the amount oldest-first by due date then number, leaving the last item partly paid', () => {
      const quote = ok(quotePayment(input({ sourceView: 'amount', payAmountCents: 4_500, items: open })));
      expect(short(quote.lines)).toEqual([['invoice', 'inv-1', 2_000], ['debit', 'dm-1', 1_000], ['invoice', 'inv-2', 1_500]]);
      expect(quote).toMatchObject({ itemsCents: 4_500, amountCents: 4_500, partial: true });
    });

    it('adds selected credits to what is spread, and charges only the amount', () => {
      const quote = ok(quotePayment(input({ sourceView: 'amount', payAmountCents: 2_500, items: [...open, credit('cm-1', 1_000)] })));
      expect(quote).toMatchObject({ itemsCents: 3_500, creditsCents: 1_000, amountCents: 2_500 });
      // DM-1 and INV-2 share a due date: the document number breaks the tie.
      expect(short(quote.lines)).toEqual([['invoice', 'inv-1', 2_000], ['debit', 'dm-1', 1_000], ['invoice', 'inv-2', 500], ['credit', 'cm-1', 1_000, 'inv-1']]);
    });

    it('skips items that cannot be paid now', () => {
      const quote = ok(quotePayment(input({ sourceView: 'amount', payAmountCents: 1_000, items: [invoice('inv-0', 500, '2026-01-01', { reservedCents: 500 }), invoice('inv-v', 500, '2026-01-01', { status: 'void' }), ...open] })));
      expect(short(quote.lines)).toEqual([['invoice', 'inv-1', 1_000]]);
    });

    it('refuses more than is open', () => {
      const result = quotePayment(input({ sourceView: 'amount', payAmountCents: 11_001, items: open }));
      expect(result).toEqual({ ok: false, errors: [{ code: 'amount_above_balance', message: '$110.01 is more than the $110.00 that can be paid now.' }] });
    });

    it('suggests whole amounts when the dealer does not take partial payments', () => {
      const result = quotePayment(input({ sourceView: 'amount', payAmountCents: 4_500, allowPartialPayments: false, items: open }));
      expect(result).toEqual({ ok: false, errors: [{ code: 'partial_not_allowed', message: 'Your supplier does not accept partial payments, and this amount would pay Invoice INV-2 only in part. Pay $30.00 or $60.00 instead.' }] });
      expect(ok(quotePayment(input({ sourceView: 'amount', payAmountCents: 6_000, allowPartialPayments: false, items: open }))).partial).toBe(false);
      const first = quotePayment(input({ sourceView: 'amount', payAmountCents: 1_000, allowPartialPayments: false, items: open }));
      expect(!first.ok && first.errors[0]!.message).toMatch(/Pay \$20\.00 instead\.$/);
    });

    it('needs an amount, a positive one, and something open', () => {
      expect(codes(quotePayment(input({ sourceView: 'amount', items: open })))).toEqual(['pay_amount_required']);
      expect(codes(quotePayment(input({ sourceView: 'amount', payAmountCents: 0, items: open })))).toEqual(['invalid_amount']);
      expect(codes(quotePayment(input({ sourceView: 'amount', payAmountCents: 12.5, items: open })))).toEqual(['invalid_amount']);
      expect(codes(quotePayment(input({ sourceView: 'amount', payAmountCents: 100, items: [] })))).toEqual(['nothing_selected']);
    });

    it('refuses amounts set on individual items, and an amount outside "pay an amount"', () => {
      expect(codes(quotePayment(input({ sourceView: 'amount', payAmountCents: 100, items: [invoice('inv-1', 500, null, { partialCents: 100 })] })))).toEqual(['invalid_amount']);
      expect(codes(quotePayment(input({ sourceView: 'all', payAmountCents: 100, items: open })))).toEqual(['pay_amount_not_expected']);
    });
  });

  it('throws on item data that breaks the schema invariants', () => {
    expect(() => quotePayment(input({ items: [invoice('inv-1', -1, null)] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ items: [invoice('inv-1', 100, null, { reservedCents: 101 })] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ items: [invoice('inv-1', 100.5, null)] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ items: [invoice('inv-1', 100, '2026-13-01')] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ today: 'yesterday', items: [invoice('inv-1', 100, null)] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ sourceView: 'elsewhere' as 'all', items: [invoice('inv-1', 100, null)] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ method: 'cash' as 'ach', items: [invoice('inv-1', 100, null)] }))).toThrow(QuoteInputError);
    expect(() => quotePayment(input({ items: [{ ...invoice('inv-1', 100, null), itemType: 'memo' as 'invoice' }] }))).toThrow(QuoteInputError);
  });

  it('validates what the portal sends', () => {
    expect(paymentSelectionSchema.parse({ sourceView: 'all', method: 'card', items: [{ itemType: 'invoice', id: 'a', partialCents: 100 }] })).toEqual({
      sourceView: 'all', method: 'card', items: [{ itemType: 'invoice', id: 'a', partialCents: 100 }],
    });
    expect(paymentSelectionSchema.safeParse({ sourceView: 'all', method: 'card', items: [{ itemType: 'invoice', id: 'a', partialCents: 1.5 }] }).success).toBe(false);
    expect(paymentSelectionSchema.safeParse({ sourceView: 'everything', method: 'card', items: [] }).success).toBe(false);
    expect(paymentSelectionSchema.safeParse({ sourceView: 'amount', method: 'ach', items: [], payAmountCents: -5 }).success).toBe(false);
  });
});

describe('quotePayment properties (fast-check)', () => {
  const DATES = ['2026-09-01', '2026-10-01', '2026-10-15', '2026-11-01', '2026-12-01'];
  const weighted = <T>(...choices: Array<[T, number]>) => fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
  const arbItem = fc.record({
    itemType: weighted<QuoteItem['itemType']>(['invoice', 4], ['debit', 2], ['credit', 2]),
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
    number: fc.constantFrom('1', '2', '10', 'A-7', 'A-07'),
    dueDate: fc.option(fc.constantFrom(...DATES), { nil: null, freq: 4 }),
    stage: weighted<'open' | 'partly' | 'done' | 'void' | 'mismatched'>(['open', 24], ['partly', 6], ['done', 1], ['void', 1], ['mismatched', 1]),
    openCents: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 200 }), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 5_000_000 }), weight: 3 }),
    reservedShare: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 1 }),
    partialShare: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: fc.integer({ min: -5, max: 110 }), weight: 1 }),
  }).map(({ reservedShare, partialShare, stage, ...item }): QuoteItem => {
    const invoice = item.itemType === 'invoice';
    const status: QuoteItem['status'] = stage === 'open' || stage === 'void' ? stage
      : stage === 'partly' ? (invoice ? 'partially_paid' : 'partially_applied')
        : stage === 'done' ? (invoice ? 'paid' : 'applied')
          : (invoice ? 'partially_applied' : 'partially_paid'); // a status of the other table: never payable
    // Credits tend to be smaller than charges, as they are in life.
    const openCents = item.itemType === 'credit' ? Math.floor(item.openCents / 4) : item.openCents;
    const reservedCents = Math.floor((openCents * reservedShare) / 100);
    const available = openCents - reservedCents;
    return { ...item, status, openCents, reservedCents, ...(partialShare === undefined ? {} : { partialCents: Math.floor((available * partialShare) / 100) || partialShare }) };
  });
  const arbItems = fc.oneof(
    { arbitrary: fc.uniqueArray(arbItem, { selector: (item) => `${item.itemType}:${item.id}`, minLength: 1, maxLength: 9 }), weight: 8 },
    { arbitrary: fc.array(arbItem, { maxLength: 9 }), weight: 1 }, // duplicates and all
  );
  const arbSchedule = fc.record({
    feePayer: fc.constantFrom<FeeSchedule['feePayer']>('dealer', 'customer'),
    achFeeCents: fc.integer({ min: 0, max: 500 }),
    cardCreditRateBps: fc.integer({ min: 0, max: 500 }),
    cardDebitRateBps: fc.integer({ min: 0, max: 300 }),
    cardFlatFeeCents: fc.integer({ min: 0, max: 100 }),
    surchargeForbiddenStates: fc.subarray(['CT', 'MA']),
  });
  const arbInput = fc.record({
    items: arbItems,
    sourceView: fc.constantFrom<QuoteInput['sourceView']>('all', 'current_statement', 'new_charges', 'amount'),
    // For "pay an amount": a share of what is open (sometimes above it), or a raw amount.
    payShare: fc.integer({ min: 1, max: 110 }),
    rawPay: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.integer({ min: -10, max: 10_000_000 }), weight: 1 }),
    method: fc.constantFrom<'ach' | 'card'>('ach', 'card'),
    cardFunding: fc.option(fc.constantFrom<'credit' | 'debit' | 'prepaid' | 'unknown'>('credit', 'debit', 'prepaid', 'unknown'), { nil: undefined }),
    billingState: fc.option(fc.constantFrom('CT', 'TX', 'ma'), { nil: undefined }),
    feeSchedule: arbSchedule,
    allowPartialPayments: fc.boolean(),
    today: fc.constantFrom('2026-11-09', '2026-11-10', '2026-11-11'),
    withStatement: fc.boolean(),
    discountCents: fc.integer({ min: 0, max: 20_000 }),
  }).map(({ withStatement, discountCents, payShare, rawPay, ...rest }): QuoteInput => {
    // A statement over the selected items as they stand, so the discount path is exercised.
    const statement: StatementForDiscount | null = withStatement
      ? {
        id: 'st', number: 'S-1', status: 'open', discountCents, discountDate: '2026-11-10',
        items: rest.items.map((item) => ({ itemType: item.itemType, itemId: item.id, number: item.number, statementAmountCents: item.openCents, openCents: item.openCents, reservedCents: item.reservedCents })),
      }
      : null;
    const open = rest.items.filter((i) => i.itemType !== 'credit').reduce((t, i) => t + i.openCents - i.reservedCents, 0);
    const payAmountCents = rest.sourceView !== 'amount' ? (rawPay !== undefined && rawPay > 5_000_000 ? rawPay : undefined)
      : rawPay !== undefined ? rawPay : Math.max(1, Math.floor((open * payShare) / 100));
    return { ...rest, statement, ...(payAmountCents === undefined ? {} : { payAmountCents }) };
  });

  const available = (item: QuoteItem) => item.openCents - item.reservedCents;

  it('conserves totals, never goes negative or above a balance, and charges more than zero', () => {
    let quotes = 0;
    fc.assert(
      fc.property(arbInput, (quoteInput) => {
        const result = quotePayment(quoteInput);
        if (!result.ok) return result.errors.length > 0 && result.errors.every((e) => e.message.length > 0);
        quotes += 1;
        const q = result.quote;
        const sumOf = (type: ApplicationLine['itemType'][]) => q.lines.filter((l) => type.includes(l.itemType)).reduce((t, l) => t + l.amountCents, 0);
        if (sumOf(['invoice', 'debit']) !== q.itemsCents || sumOf(['credit']) !== q.creditsCents || sumOf(['discount']) !== q.discountCents) return false;
        if (q.amountCents !== q.itemsCents - q.creditsCents - q.discountCents + q.feeCents) return false;
        if (!(q.amountCents > 0)) return false;
        if ([q.itemsCents, q.creditsCents, q.discountCents, q.feeCents, q.processingCostCents].some((v) => v < 0 || !Number.isSafeInteger(v))) return false;
        if (q.lines.some((l) => l.amountCents <= 0 || !Number.isSafeInteger(l.amountCents))) return false;
        // Per item: charges and credit usage within the open unreserved balance.
        const used = new Map<string, number>();
        for (const l of q.lines) if (l.itemType !== 'discount') used.set(`${l.itemType}:${l.itemId}`, (used.get(`${l.itemType}:${l.itemId}`) ?? 0) + l.amountCents);
        for (const [key, amount] of used) {
          const item = quoteInput.items.find((i) => `${i.itemType}:${i.id}` === key);
          if (!item || amount > available(item)) return false;
          if (item.status === 'void' || item.status === 'paid' || item.status === 'applied') return false;
        }
        // Every credit is applied to a charge of this payment, never beyond that charge.
        const creditOn = new Map<string, number>();
        for (const l of q.lines.filter((x) => x.itemType === 'credit')) {
          const target = l.appliedToInvoiceId ? `invoice:${l.appliedToInvoiceId}` : l.appliedToDebitId ? `debit:${l.appliedToDebitId}` : null;
          if (!target || !used.has(target) || (l.appliedToInvoiceId && l.appliedToDebitId)) return false;
          creditOn.set(target, (creditOn.get(target) ?? 0) + l.amountCents);
        }
        for (const [target, amount] of creditOn) if (amount > used.get(target)!) return false;
        // Partial amounts only where the dealer allows them.
        if (!quoteInput.allowPartialPayments && q.partial) return false;
        // The discount only from the Current Statement view; the surcharge within 3%.
        if (q.discountCents > 0 && quoteInput.sourceView !== 'current_statement') return false;
        if (q.method === 'card' && q.feeCents * 10_000 > (q.amountCents - q.feeCents) * 300) return false;
        // Pay an amount: exactly that cash, oldest first.
        if (quoteInput.sourceView === 'amount' && q.itemsCents - q.creditsCents !== quoteInput.payAmountCents) return false;
        return true;
      }),
      { numRuns: propertyRuns(50_000) },
    );
    // The generator must reach valid quotes often enough for the invariants to mean something.
    expect(quotes).toBeGreaterThan(propertyRuns(10_000));
  });

  it('is a pure function of its input: same input, any item order, same result (preview = charge)', () => {
    fc.assert(
      fc.property(arbInput, fc.integer(), (quoteInput, seed) => {
        const first = quotePayment(quoteInput);
        const again = quotePayment(structuredClone(quoteInput));
        const shuffled = quotePayment({ ...quoteInput, items: shuffle(quoteInput.items, seed) });
        return JSON.stringify(first) === JSON.stringify(again) && JSON.stringify(first) === JSON.stringify(shuffled);
      }),
      { numRuns: propertyRuns(25_000) },
    );
  });

  it('charges exactly the previewed total when nothing changed, and refuses any other', () => {
    fc.assert(
      fc.property(arbInput, fc.integer({ min: -1_000, max: 1_000 }).filter((d) => d !== 0), (quoteInput, drift) => {
        const preview = quotePayment(quoteInput);
        if (!preview.ok) return true;
        const charge = quotePayment({ ...quoteInput, expectedAmountCents: preview.quote.amountCents });
        const other = quotePayment({ ...quoteInput, expectedAmountCents: preview.quote.amountCents + drift });
        return charge.ok && JSON.stringify(charge.quote) === JSON.stringify(preview.quote)
          && !other.ok && other.errors.length === 1 && other.errors[0]!.code === 'amount_changed';
      }),
      { numRuns: propertyRuns(20_000) },
    );
  });

  it('refuses exactly when credits exceed the charges (items mode, all payable)', () => {
    const arbOpen = fc.array(fc.record({
      itemType: fc.constantFrom<QuoteItem['itemType']>('invoice', 'debit', 'credit'),
      openCents: fc.integer({ min: 1, max: 100_000 }),
      dueDate: fc.option(fc.constantFrom(...DATES), { nil: null }),
    }), { minLength: 1, maxLength: 8 }).map((rows) => rows.map((row, i): QuoteItem => ({ ...row, id: `x${i}`, number: String(i), status: 'open', reservedCents: 0 })));
    fc.assert(
      fc.property(arbOpen, (items) => {
        const charges = items.filter((i) => i.itemType !== 'credit').reduce((t, i) => t + i.openCents, 0);
        const credits = items.filter((i) => i.itemType === 'credit').reduce((t, i) => t + i.openCents, 0);
        const result = quotePayment(input({ items }));
        if (credits > charges) return !result.ok && result.errors[0]!.code === 'credits_exceed_items';
        if (credits === charges) return !result.ok && result.errors[0]!.code === 'total_not_positive';
        return result.ok && result.quote.amountCents === charges - credits;
      }),
      { numRuns: propertyRuns(15_000) },
    );
  });
});

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

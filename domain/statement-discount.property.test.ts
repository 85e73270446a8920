import fc from 'fast-check';
import { evaluateStatementDiscount, type DiscountSelectionItem, type SourceView, type StatementDiscountInput, type StatementItemState } from './statement-discount';

/**
 * The statement discount over generated statements and selections: it is whole cents, never
 * negative, never more than the statement offers nor more than the net being paid, earned
 * only by paying every item in full, and independent of the order items are listed in.
 */
const SEED = 20261110;

const arbItem = (index: number): fc.Arbitrary<StatementItemState> =>
  fc.record({
    itemType: fc.constantFrom<StatementItemState['itemType']>('invoice', 'invoice', 'debit', 'credit'),
    statementAmountCents: fc.integer({ min: 0, max: 500_000 }),
    paidSince: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 500_000 }) }),
    reservedCents: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }) }),
  }).map(({ itemType, statementAmountCents, paidSince, reservedCents }) => {
    const openCents = Math.max(0, statementAmountCents - paidSince);
    return { itemType, itemId: `item-${index}`, number: `DOC-${index}`, statementAmountCents, openCents, reservedCents: Math.min(reservedCents, openCents) };
  });

const arbItems = fc.integer({ min: 0, max: 8 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => arbItem(i))));

/** What a payment holds of each item: usually all of it, sometimes part, nothing, or an item off the statement. */
const selectionFor = (items: readonly StatementItemState[]): fc.Arbitrary<DiscountSelectionItem[]> =>
  fc.tuple(
    fc.tuple(...items.map((item) => fc.oneof(
      { weight: 20, arbitrary: fc.constant(item.openCents) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: item.openCents }) },
      { weight: 1, arbitrary: fc.constant(-1) },
    ))),
    fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 50_000 }) }),
  ).map(([paying, outsider]) => [
    ...items.flatMap((item, i) => (paying[i]! < 0 ? [] : [{ itemType: item.itemType, itemId: item.itemId, payingCents: paying[i]! }])),
    ...(outsider === null ? [] : [{ itemType: 'invoice' as const, itemId: 'off-statement', payingCents: outsider }]),
  ]);

const arbInput: fc.Arbitrary<StatementDiscountInput> = arbItems.chain((items) =>
  fc.record({
    statement: fc.option(
      fc.record({
        id: fc.constant('st-1'),
        number: fc.constant('ST-1'),
        status: fc.constantFrom<'open' | 'paid' | 'closed'>('open', 'open', 'open', 'open', 'open', 'open', 'paid', 'closed'),
        discountCents: fc.oneof(fc.integer({ min: -100, max: 0 }), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 2_000_000 })),
        discountDate: fc.option(fc.constantFrom('2026-11-05', '2026-11-10', '2026-11-30'), { nil: null, freq: 8 }),
        items: fc.constant(items),
      }),
      { nil: null, freq: 15 },
    ),
    sourceView: fc.constantFrom<SourceView>('current_statement', 'current_statement', 'current_statement', 'current_statement', 'current_statement', 'all', 'new_charges', 'amount'),
    selection: selectionFor(items),
    today: fc.constantFrom('2026-11-01', '2026-11-05', '2026-11-10', '2026-11-10', '2026-11-11'),
  }),
);

const netOf = (selection: readonly DiscountSelectionItem[]) => selection.reduce((net, item) => net + (item.itemType === 'credit' ? -item.payingCents : item.payingCents), 0);

function permute<T>(list: readonly T[], seed: number): T[] {
  return list.map((value, i) => ({ value, key: (i * 2654435761 + seed) % 4294967291 })).sort((a, b) => a.key - b.key).map((entry) => entry.value);
}

describe('statement discount properties', () => {
  it('is whole cents between zero and both the offered discount and the net paid, and only when eligible', () => {
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(arbInput, (input) => {
        const result = evaluateStatementDiscount(input);
        codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
        if (!Number.isSafeInteger(result.discountCents) || result.discountCents < 0) return false;
        if (result.eligible !== (result.code === 'eligible')) return false;
        if (!result.eligible) return result.discountCents === 0 && result.reason.length > 0;
        const statement = input.statement!;
        return result.discountCents <= statement.discountCents && result.discountCents <= Math.max(0, netOf(input.selection));
      }),
      { numRuns: 15_000, seed: SEED },
    );
    // The generator reaches every outcome, and earns the discount often enough to test it.
    expect([...codes.keys()].sort()).toEqual(['eligible', 'items_outside_statement', 'no_discount', 'no_statement', 'not_full_statement', 'past_discount_date', 'payment_in_progress', 'statement_not_open', 'statement_partly_paid', 'wrong_view']);
    expect(codes.get('eligible')).toBeGreaterThan(500);
  });

  it('is earned only by paying every item on an untouched, open statement in full from the statement view before the date', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const result = evaluateStatementDiscount(input);
        if (!result.eligible) return true;
        const statement = input.statement!;
        const paying = new Map<string, number>();
        for (const item of input.selection) paying.set(`${item.itemType}:${item.itemId}`, (paying.get(`${item.itemType}:${item.itemId}`) ?? 0) + item.payingCents);
        const keys = new Set(statement.items.map((item) => `${item.itemType}:${item.itemId}`));
        return statement.status === 'open' && input.sourceView === 'current_statement' && statement.discountDate !== null && input.today <= statement.discountDate
          && statement.items.every((item) => item.reservedCents === 0 && item.openCents >= item.statementAmountCents && (paying.get(`${item.itemType}:${item.itemId}`) ?? 0) >= item.openCents)
          && input.selection.every((item) => item.payingCents === 0 || keys.has(`${item.itemType}:${item.itemId}`));
      }),
      { numRuns: 15_000, seed: SEED + 1 },
    );
  });

  it('does not depend on the order of the statement items or the selection, and gives the same answer every time', () => {
    fc.assert(
      fc.property(arbInput, fc.nat(), (input, seed) => {
        const first = evaluateStatementDiscount(input);
        const shuffled = evaluateStatementDiscount({
          ...input,
          statement: input.statement && { ...input.statement, items: permute(input.statement.items, seed) },
          selection: permute(input.selection, seed + 7),
        });
        const again = evaluateStatementDiscount(structuredClone(input));
        return first.code === shuffled.code && first.discountCents === shuffled.discountCents && JSON.stringify(first) === JSON.stringify(again);
      }),
      { numRuns: 10_000, seed: SEED + 2 },
    );
  });
});

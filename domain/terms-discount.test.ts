import fc from 'fast-check';
import type { FeeSchedule } from './fees';
import { quotePayment, type QuoteInput, type QuoteItem, type QuoteResult } from './payment-quote';
import { availableTermsDiscount, lastDiscountDay, type InvoiceTerms } from './terms-discount';
import type { StatementForDiscount } from './statement-discount';
import { propertyRuns } from '../test/support/property-runs';

/**
 * Per-invoice cash-discount terms in the quote: earned by paying the invoice in full up to its
 * discount date plus the dealer's grace days, nowhere else; and over generated payments, the
 * totals always add up line for line.
 */
const noFees: FeeSchedule = { feePayer: 'dealer', achFeeCents: 0, cardCreditRateBps: 0, cardDebitRateBps: 0, cardFlatFeeCents: 0, surchargeForbiddenStates: [] };
const cardFees: FeeSchedule = { feePayer: 'customer', achFeeCents: 150, cardCreditRateBps: 290, cardDebitRateBps: 150, cardFlatFeeCents: 30, surchargeForbiddenStates: [] };
const twoPercent: InvoiceTerms = { terms: '2% 10th Prox', discountCents: 2_500, discountDate: '2026-12-10' };

const invoice = (id: string, openCents: number, overrides: Partial<QuoteItem> = {}): QuoteItem => ({
  itemType: 'invoice', id, number: id.toUpperCase(), dueDate: '2026-12-31', status: 'open', openCents, reservedCents: 0, ...overrides,
});
const input = (overrides: Partial<QuoteInput> = {}): QuoteInput => ({
  items: [], sourceView: 'all', method: 'ach', feeSchedule: noFees, allowPartialPayments: true, today: '2026-12-10', ...overrides,
});
function ok(result: QuoteResult) {
  if (!result.ok) throw new Error(`expected a quote, got ${JSON.stringify(result.errors)}`);
  return result.quote;
}
const termsLines = (result: QuoteResult) => ok(result).lines.filter((line) => line.itemType === 'terms_discount').map((line) => [line.itemId, line.amountCents]);

describe('terms discounts in the quote', () => {
  it('earns the invoice\'s discount when paid in full on the last discount day, and not the day after', () => {
    const onTheDay = ok(quotePayment(input({ items: [invoice('inv-1', 125_000, { terms: twoPercent })] })));
    expect(onTheDay.lines.map((line) => [line.itemType, line.itemId, line.amountCents])).toEqual([['invoice', 'inv-1', 125_000], ['terms_discount', 'inv-1', 2_500]]);
    expect(onTheDay).toMatchObject({ itemsCents: 125_000, discountCents: 2_500, amountCents: 122_500, termsDiscount: { cents: 2_500 } });
    expect(onTheDay.termsDiscount.reason).toBe('Early-payment discount for paying by the discount date: $25.00 on INV-1 (2% 10th Prox).');

    const dayAfter = ok(quotePayment(input({ today: '2026-12-11', items: [invoice('inv-1', 125_000, { terms: twoPercent })] })));
    expect(dayAfter).toMatchObject({ discountCents: 0, amountCents: 125_000, termsDiscount: { cents: 0, reason: null } });
  });

  it('grants the dealer\'s grace days and no more', () => {
    const items = [invoice('inv-1', 125_000, { terms: twoPercent })];
    expect(termsLines(quotePayment(input({ today: '2026-12-13', termsDiscountGraceDays: 3, items })))).toEqual([['inv-1', 2_500]]);
    expect(termsLines(quotePayment(input({ today: '2026-12-14', termsDiscountGraceDays: 3, items })))).toEqual([]);
  });

  it('earns nothing on a partial payment, an invoice another payment holds part of, or "pay an amount"', () => {
    expect(termsLines(quotePayment(input({ items: [invoice('inv-1', 125_000, { terms: twoPercent, partialCents: 100_000 })] })))).toEqual([]);
    expect(termsLines(quotePayment(input({ items: [invoice('inv-1', 125_000, { terms: twoPercent, reservedCents: 5_000 })] })))).toEqual([]);
    expect(termsLines(quotePayment(input({ sourceView: 'amount', payAmountCents: 125_000, items: [invoice('inv-1', 125_000, { terms: twoPercent })] })))).toEqual([]);
  });

  it('never stacks on a statement discount: the statement\'s early-payment discount wins', () => {
    const statement: StatementForDiscount = {
      id: 'st-1', number: 'ST-1', status: 'open', discountCents: 1_000, discountDate: '2026-12-15',
      items: [{ itemType: 'invoice', itemId: 'inv-1', number: 'INV-1', statementAmountCents: 125_000, openCents: 125_000, reservedCents: 0 }],
    };
    const quote = ok(quotePayment(input({ sourceView: 'current_statement', statement, items: [invoice('inv-1', 125_000, { terms: twoPercent })] })));
    expect(quote.lines.map((line) => line.itemType)).toEqual(['invoice', 'discount']);
    expect(quote).toMatchObject({ discountCents: 1_000, amountCents: 124_000, termsDiscount: { cents: 0 } });
  });

  it('takes the discount before the fee, so a card surcharge is on what is actually charged', () => {
    const quote = ok(quotePayment(input({ method: 'card', cardFunding: 'credit', feeSchedule: cardFees, items: [invoice('inv-1', 100_000, { terms: { terms: null, discountCents: 2_000, discountDate: '2026-12-10' } })] })));
    expect(quote.fee.customerFeeCents).toBe(Math.round((98_000 * 290) / 10_000) + 30);
    expect(quote.amountCents).toBe(98_000 + quote.feeCents);
  });

  it('caps the discount at what is left on an invoice partly paid before', () => {
    expect(availableTermsDiscount(twoPercent, 1_000, '2026-12-01', 0)).toBe(1_000);
    expect(lastDiscountDay(twoPercent, 2)).toBe('2026-12-12');
  });
});

describe('terms discounts conserve money (property)', () => {
  const arbTerms = fc.option(fc.record({
    terms: fc.option(fc.constantFrom('2% 10th Prox', '1% 10 Net 30'), { nil: null }),
    discountCents: fc.integer({ min: 1, max: 50_000 }),
    discountDate: fc.constantFrom('2026-12-08', '2026-12-10', '2026-12-12'),
  }), { nil: null, freq: 3 });
  const arbItem = (index: number) => fc.record({
    kind: fc.constantFrom<'invoice' | 'debit' | 'credit'>('invoice', 'invoice', 'invoice', 'debit', 'credit'),
    openCents: fc.integer({ min: 1, max: 2_000_000 }),
    reserved: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }) }),
    partial: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000_000 }) }),
    terms: arbTerms,
  }).map(({ kind, openCents, reserved, partial, terms }): QuoteItem => ({
    itemType: kind, id: `item-${index}`, number: `DOC-${index}`, dueDate: `2026-12-${String(10 + (index % 18)).padStart(2, '0')}`, status: 'open', openCents,
    reservedCents: Math.min(reserved, openCents), partialCents: partial === null ? null : Math.min(partial, openCents), terms: kind === 'invoice' ? terms : null,
  }));
  const arbInput = fc.integer({ min: 1, max: 6 }).chain((count) => fc.record({
    items: fc.tuple(...Array.from({ length: count }, (_, index) => arbItem(index))),
    today: fc.constantFrom('2026-12-01', '2026-12-10', '2026-12-11', '2026-12-13'),
    grace: fc.integer({ min: 0, max: 3 }),
    method: fc.constantFrom<'ach' | 'card'>('ach', 'card'),
  }));

  it(`over ${propertyRuns(100_000).toLocaleString('en-US')} generated payments: totals are the sums of their lines, each discount at most its terms and its invoice, only on invoices paid whole`, () => {
    let withDiscount = 0;
    fc.assert(fc.property(arbInput, ({ items, today, grace, method }) => {
      const result = quotePayment(input({ items, today, termsDiscountGraceDays: grace, method, cardFunding: method === 'card' ? 'credit' : null, feeSchedule: method === 'card' ? cardFees : noFees }));
      if (!result.ok) return;
      const quote = result.quote;
      const sum = (types: string[]) => quote.lines.filter((line) => types.includes(line.itemType)).reduce((total, line) => total + line.amountCents, 0);
      expect(quote.itemsCents).toBe(sum(['invoice', 'debit']));
      expect(quote.creditsCents).toBe(sum(['credit']));
      expect(quote.discountCents).toBe(sum(['discount', 'terms_discount']));
      expect(quote.termsDiscount.cents).toBe(sum(['terms_discount']));
      expect(quote.amountCents).toBe(quote.itemsCents - quote.creditsCents - quote.discountCents + quote.feeCents);
      expect(quote.amountCents).toBeGreaterThan(0);
      for (const line of quote.lines.filter((candidate) => candidate.itemType === 'terms_discount')) {
        const item = items.find((candidate) => candidate.id === line.itemId)!;
        const paid = quote.lines.find((candidate) => candidate.itemType === 'invoice' && candidate.itemId === line.itemId)!;
        expect(item.terms).not.toBeNull();
        expect(Number.isSafeInteger(line.amountCents) && line.amountCents > 0).toBe(true);
        expect(line.amountCents).toBeLessThanOrEqual(Math.min(item.terms!.discountCents, item.openCents));
        expect(paid.amountCents).toBe(item.openCents);
        expect(item.reservedCents).toBe(0);
        expect(today <= lastDiscountDay(item.terms!, grace)).toBe(true);
        withDiscount += 1;
      }
      // Every invoice that qualified got its discount: none is silently left out.
      for (const item of items.filter((candidate) => candidate.itemType === 'invoice' && candidate.terms && candidate.reservedCents === 0)) {
        const paid = quote.lines.find((candidate) => candidate.itemType === 'invoice' && candidate.itemId === item.id);
        const expected = paid && paid.amountCents === item.openCents ? availableTermsDiscount(item.terms!, item.openCents, today, grace) : 0;
        const got = quote.lines.find((candidate) => candidate.itemType === 'terms_discount' && candidate.itemId === item.id)?.amountCents ?? 0;
        expect(got).toBe(expected);
      }
    }), { numRuns: propertyRuns(100_000), seed: 20261204 });
    // The generator must actually reach the discount, or the property proves nothing.
    expect(withDiscount).toBeGreaterThan(propertyRuns(10_000));
  });
});

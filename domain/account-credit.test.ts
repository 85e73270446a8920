import fc from 'fast-check';
import {
  creditBalance, paidElsewhereSplit, planCreditApplication, planSourceReturn, remainingBySource, type CreditEntry, type CreditTarget,
} from './account-credit';
import { computeFees, type FeeSchedule } from './fees';
import { quotePayment, type QuoteInput, type QuoteItem, type QuoteResult } from './payment-quote';
import { propertyRuns } from '../test/support/property-runs';

/**
 * Unapplied credit: what a payment pays beyond its items, the per-account ledger it becomes,
 * its application to later invoices, and its return. Over generated cases, money is never
 * created, lost or counted twice.
 */
const noFees: FeeSchedule = { feePayer: 'dealer', achFeeCents: 0, cardCreditRateBps: 0, cardDebitRateBps: 0, cardFlatFeeCents: 0, surchargeForbiddenStates: [] };
const cardFees: FeeSchedule = { feePayer: 'customer', achFeeCents: 150, cardCreditRateBps: 290, cardDebitRateBps: 150, cardFlatFeeCents: 30, surchargeForbiddenStates: [] };
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
const creation = (id: string, amountCents: number, createdAt = `2026-12-0${id.length % 9 + 1}T00:00:00.000Z`): CreditEntry => ({
  id, kind: 'overpayment', amountCents, sourceEntryId: null, invoiceId: null, reversesEntryId: null, createdAt,
});
/** An assertion for hot loops: jest's expect is too slow for a million checks. */
function holds(condition: boolean, what: string): void {
  if (!condition) throw new Error(`invariant broken: ${what}`);
}
const target = (id: string, availableCents: number, dueDate = '2026-12-31'): CreditTarget => ({ id, number: id.toUpperCase(), dueDate, availableCents });

describe('paying more than the items', () => {
  it('puts an amount on account beside the items when the dealer allows it, and refuses it otherwise', () => {
    const quote = ok(quotePayment(input({ allowOverpayment: true, onAccountCents: 25_00, items: [invoice('inv-1', 100_00)] })));
    expect(quote.lines.map((line) => [line.itemType, line.amountCents])).toEqual([['invoice', 100_00], ['unapplied', 25_00]]);
    expect(quote).toMatchObject({ itemsCents: 100_00, onAccountCents: 25_00, amountCents: 125_00 });

    const refused = quotePayment(input({ onAccountCents: 25_00, items: [invoice('inv-1', 100_00)] }));
    expect(refused).toMatchObject({ ok: false, errors: [{ code: 'overpayment_not_allowed' }] });
  });

  it('takes an amount on account alone, with nothing selected', () => {
    const quote = ok(quotePayment(input({ allowOverpayment: true, onAccountCents: 500_00 })));
    expect(quote).toMatchObject({ itemsCents: 0, onAccountCents: 500_00, amountCents: 500_00 });
  });

  it('"pay an amount" above what is open pays everything and keeps the rest on account, only when allowed', () => {
    const items = [invoice('inv-1', 60_00, { dueDate: '2026-12-01' }), invoice('inv-2', 40_00)];
    const quote = ok(quotePayment(input({ sourceView: 'amount', payAmountCents: 130_00, allowOverpayment: true, items })));
    expect(quote.lines.map((line) => [line.itemType, line.itemId, line.amountCents])).toEqual([['invoice', 'inv-1', 60_00], ['invoice', 'inv-2', 40_00], ['unapplied', 'on-account', 30_00]]);
    expect(quotePayment(input({ sourceView: 'amount', payAmountCents: 130_00, items }))).toMatchObject({ ok: false, errors: [{ code: 'amount_above_balance' }] });
  });

  it('charges the card fee on the whole amount, on-account part included', () => {
    const quote = ok(quotePayment(input({ method: 'card', cardFunding: 'credit', feeSchedule: cardFees, allowOverpayment: true, onAccountCents: 100_00, items: [invoice('inv-1', 100_00)] })));
    expect(quote.feeCents).toBe(computeFees({ method: 'card', cardFunding: 'credit', billingState: null, baseCents: 200_00, schedule: cardFees }).customerFeeCents);
    expect(quote.feeCents).toBeGreaterThan(computeFees({ method: 'card', cardFunding: 'credit', billingState: null, baseCents: 100_00, schedule: cardFees }).customerFeeCents);
    expect(quote.amountCents).toBe(200_00 + quote.feeCents);
  });
});

describe('the credit ledger', () => {
  it('applies the oldest credit to the oldest invoice first, splitting where either runs out', () => {
    const entries = [creation('a', 30_00, '2026-12-01T00:00:00.000Z'), creation('b', 50_00, '2026-12-02T00:00:00.000Z')];
    const plan = planCreditApplication(entries, [target('inv-2', 70_00, '2026-12-20'), target('inv-1', 20_00, '2026-12-10')], null);
    expect(plan).toEqual({
      ok: true, totalCents: 80_00,
      applications: [
        { sourceEntryId: 'a', invoiceId: 'inv-1', amountCents: 20_00 },
        { sourceEntryId: 'a', invoiceId: 'inv-2', amountCents: 10_00 },
        { sourceEntryId: 'b', invoiceId: 'inv-2', amountCents: 50_00 },
      ],
    });
  });

  it('refuses with no credit, an amount above the balance or above what the invoices have open', () => {
    expect(planCreditApplication([], [target('inv-1', 10_00)], null)).toMatchObject({ ok: false, code: 'no_unapplied_credit' });
    expect(planCreditApplication([creation('a', 10_00)], [target('inv-1', 50_00)], 10_01)).toMatchObject({ ok: false, code: 'credit_amount_above_balance' });
    expect(planCreditApplication([creation('a', 90_00)], [target('inv-1', 50_00)], 60_00)).toMatchObject({ ok: false, code: 'credit_amount_above_balance' });
    expect(planCreditApplication([creation('a', 90_00)], [target('inv-1', 0)], null)).toMatchObject({ ok: false, code: 'nothing_to_apply_credit_to' });
  });

  it('a returned source undoes what it paid and takes all of it back; a second return plans nothing', () => {
    const entries: CreditEntry[] = [
      creation('a', 50_00),
      { id: 'x', kind: 'application', amountCents: -20_00, sourceEntryId: 'a', invoiceId: 'inv-1', reversesEntryId: null, createdAt: '2026-12-05T00:00:00.000Z' },
    ];
    const plan = planSourceReturn(entries, 'a');
    expect(plan).toEqual({ undo: [{ applicationEntryId: 'x', invoiceId: 'inv-1', amountCents: 20_00 }], takeBackCents: 50_00 });
    const after: CreditEntry[] = [
      ...entries,
      { id: 'y', kind: 'application_reversed', amountCents: 20_00, sourceEntryId: 'a', invoiceId: 'inv-1', reversesEntryId: 'x', createdAt: '2026-12-06T00:00:00.000Z' },
      { id: 'z', kind: 'credit_reversed', amountCents: -50_00, sourceEntryId: 'a', invoiceId: null, reversesEntryId: null, createdAt: '2026-12-06T00:00:00.000Z' },
    ];
    expect(creditBalance(after)).toBe(0);
    expect(planSourceReturn(after, 'a')).toEqual({ undo: [], takeBackCents: 0 });
  });

  it('an invoice paid elsewhere takes only what is still open; the rest is credit', () => {
    expect(paidElsewhereSplit(100_00, 30_00)).toEqual({ payCents: 30_00, creditCents: 70_00 });
    expect(paidElsewhereSplit(100_00, 0)).toEqual({ payCents: 0, creditCents: 100_00 });
    expect(paidElsewhereSplit(100_00, 250_00)).toEqual({ payCents: 100_00, creditCents: 0 });
  });
});

describe('credits, discounts and applications conserve money (property)', () => {
  const arbItem = (index: number) => fc.record({
    kind: fc.constantFrom<'invoice' | 'debit' | 'credit'>('invoice', 'invoice', 'invoice', 'debit', 'credit'),
    openCents: fc.integer({ min: 1, max: 2_000_000 }),
    reserved: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }) }),
    partial: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2_000_000 }) }),
    terms: fc.option(fc.record({ terms: fc.constant('2% 10th Prox'), discountCents: fc.integer({ min: 1, max: 50_000 }), discountDate: fc.constantFrom('2026-12-08', '2026-12-12') }), { nil: null, freq: 3 }),
  }).map(({ kind, openCents, reserved, partial, terms }): QuoteItem => ({
    itemType: kind, id: `item-${index}`, number: `DOC-${index}`, dueDate: `2026-12-${String(10 + (index % 18)).padStart(2, '0')}`, status: 'open', openCents,
    reservedCents: Math.min(reserved, openCents), partialCents: partial === null ? null : Math.min(partial, openCents), terms: kind === 'invoice' ? terms : null,
  }));
  const arbQuote = fc.integer({ min: 0, max: 6 }).chain((count) => fc.record({
    items: fc.tuple(...Array.from({ length: count }, (_, index) => arbItem(index))),
    amountMode: fc.boolean(),
    payAmountCents: fc.integer({ min: 1, max: 10_000_000 }),
    onAccountCents: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
    allowOverpayment: fc.boolean(),
    method: fc.constantFrom<'ach' | 'card'>('ach', 'card'),
  }));

  it(`over ${propertyRuns(100_000).toLocaleString('en-US')} generated payments: the on-account line is exactly the excess, and every total is the sum of its lines`, () => {
    let withExcess = 0;
    fc.assert(fc.property(arbQuote, ({ items, amountMode, payAmountCents, onAccountCents, allowOverpayment, method }) => {
      const result = quotePayment(input({
        items: amountMode ? items.map((item) => ({ ...item, partialCents: item.itemType === 'credit' ? item.partialCents : null })) : items,
        sourceView: amountMode ? 'amount' : 'all', payAmountCents: amountMode ? payAmountCents : null, onAccountCents, allowOverpayment,
        method, cardFunding: method === 'card' ? 'credit' : null, feeSchedule: method === 'card' ? cardFees : noFees,
      }));
      if (!result.ok) {
        if (!allowOverpayment && onAccountCents !== null) expect(result.errors.some((error) => error.code === 'overpayment_not_allowed')).toBe(true);
        return;
      }
      const quote = result.quote;
      const sum = (types: string[]) => quote.lines.filter((line) => types.includes(line.itemType)).reduce((total, line) => total + line.amountCents, 0);
      expect(quote.itemsCents).toBe(sum(['invoice', 'debit']));
      expect(quote.creditsCents).toBe(sum(['credit']));
      expect(quote.discountCents).toBe(sum(['discount', 'terms_discount']));
      expect(quote.onAccountCents).toBe(sum(['unapplied']));
      expect(quote.lines.filter((line) => line.itemType === 'unapplied').length).toBeLessThanOrEqual(1);
      expect(quote.amountCents).toBe(quote.itemsCents - quote.creditsCents - quote.discountCents + quote.onAccountCents + quote.feeCents);
      expect(quote.amountCents).toBeGreaterThan(0);
      if (!allowOverpayment) expect(quote.onAccountCents).toBe(0);
      // No item is paid above what is free of it: the excess is never counted on an invoice too.
      for (const line of quote.lines.filter((candidate) => candidate.itemType === 'invoice' || candidate.itemType === 'debit')) {
        const item = items.find((candidate) => candidate.id === line.itemId)!;
        expect(line.amountCents).toBeLessThanOrEqual(item.openCents - item.reservedCents);
      }
      if (amountMode) {
        // The cash asked for is exactly what reaches items (net of credits used) plus what goes on account.
        expect(quote.itemsCents - quote.creditsCents + quote.onAccountCents).toBe(payAmountCents + (onAccountCents ?? 0));
      } else {
        expect(quote.onAccountCents).toBe(onAccountCents ?? 0);
      }
      if (quote.onAccountCents > 0) withExcess += 1;
    }), { numRuns: propertyRuns(100_000), seed: 20261204 });
    expect(withExcess).toBeGreaterThan(propertyRuns(10_000));
  });

  type Step =
    | { op: 'create'; cents: number; paidElsewhere: boolean; openCents: number }
    | { op: 'apply'; invoices: number[]; cents: number | null }
    | { op: 'return'; source: number };
  const arbStep: fc.Arbitrary<Step> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), cents: fc.integer({ min: 1, max: 500_000 }), paidElsewhere: fc.boolean(), openCents: fc.integer({ min: 0, max: 500_000 }) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('apply' as const), invoices: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }), cents: fc.option(fc.integer({ min: 1, max: 600_000 }), { nil: null }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('return' as const), source: fc.nat(20) }) },
  );
  const arbHistory = fc.record({
    invoices: fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 5, maxLength: 5 }),
    reserved: fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 5, maxLength: 5 }),
    steps: fc.array(arbStep, { minLength: 1, maxLength: 10 }),
  });

  it(`over ${propertyRuns(100_000).toLocaleString('en-US')} generated histories: the balance is the sum of its entries, never negative, and every cent is on the account, on an invoice or returned`, () => {
    let applied = 0;
    let returnedAfterApplying = 0;
    fc.assert(fc.property(arbHistory, ({ invoices, reserved, steps }) => {
      const original = invoices.map((cents) => cents);
      const balance = [...invoices];
      const entries: CreditEntry[] = [];
      const sources: string[] = [];
      const returned = new Set<string>();
      let sequence = 0;
      const at = () => `2026-12-01T00:00:${String(sequence).padStart(2, '0')}.${String(sequence++).padStart(3, '0')}Z`;

      for (const step of steps) {
        if (step.op === 'create') {
          // A paid-elsewhere conflict: the payment applied `cents` to an invoice with only `openCents` left.
          const credit = step.paidElsewhere ? paidElsewhereSplit(step.cents, step.openCents) : { payCents: 0, creditCents: step.cents };
          holds(credit.payCents + credit.creditCents === step.cents, 'credit.payCents + credit.creditCents === step.cents');
          holds(credit.payCents <= step.openCents, 'credit.payCents <= step.openCents');
          if (credit.creditCents === 0) continue;
          const id = `s${sources.length}`;
          entries.push({ id, kind: step.paidElsewhere ? 'paid_elsewhere' : 'overpayment', amountCents: credit.creditCents, sourceEntryId: null, invoiceId: null, reversesEntryId: null, createdAt: at() });
          sources.push(id);
        } else if (step.op === 'apply') {
          const targets = step.invoices.map((index) => target(`inv-${index}`, Math.max(0, balance[index]! - reserved[index]!), `2026-12-1${index}`));
          const before = creditBalance(entries);
          const plan = planCreditApplication(entries, targets, step.cents);
          if (!plan.ok) {
            holds(before === 0 || plan.code !== 'no_unapplied_credit', 'refused for lack of credit only when there is none');
            continue;
          }
          holds(plan.totalCents <= before, 'plan.totalCents <= before');
          if (step.cents !== null) holds(plan.totalCents === step.cents, 'plan.totalCents === step.cents');
          for (const application of plan.applications) {
            const index = Number(application.invoiceId.slice(4));
            holds(step.invoices.includes(index), 'applied to an invoice chosen');
            balance[index] = balance[index]! - application.amountCents;
            holds(balance[index]! >= reserved[index]!, 'credit never takes what a payment in flight holds');
            entries.push({ id: `a${entries.length}`, kind: 'application', amountCents: -application.amountCents, sourceEntryId: application.sourceEntryId, invoiceId: application.invoiceId, reversesEntryId: null, createdAt: at() });
            applied += 1;
          }
        } else {
          const source = sources[step.source % Math.max(1, sources.length)];
          if (!source) continue;
          const plan = planSourceReturn(entries, source);
          if (plan.undo.length > 0) returnedAfterApplying += 1;
          for (const undo of plan.undo) {
            const index = Number(undo.invoiceId.slice(4));
            balance[index] = balance[index]! + undo.amountCents;
            entries.push({ id: `u${entries.length}`, kind: 'application_reversed', amountCents: undo.amountCents, sourceEntryId: source, invoiceId: undo.invoiceId, reversesEntryId: undo.applicationEntryId, createdAt: at() });
          }
          if (plan.takeBackCents > 0) {
            entries.push({ id: `r${entries.length}`, kind: 'credit_reversed', amountCents: -plan.takeBackCents, sourceEntryId: source, invoiceId: null, reversesEntryId: null, createdAt: at() });
          }
          returned.add(source);
        }

        // The invariants hold after every step.
        const total = creditBalance(entries);
        holds(total >= 0, 'total >= 0');
        holds(remainingBySource(entries).reduce((sum, source) => sum + source.remainingCents, 0) === total, 'remainingBySource(entries).reduce((sum, source) => sum + source.remainingCents, 0) === total');
        const bySource = new Map<string, number>();
        for (const entry of entries) {
          const key = entry.sourceEntryId ?? entry.id;
          bySource.set(key, (bySource.get(key) ?? 0) + entry.amountCents);
        }
        for (const source of sources) {
          holds(bySource.get(source)! >= 0, 'bySource.get(source)! >= 0');
          if (returned.has(source)) holds(bySource.get(source) === 0, 'bySource.get(source) === 0');
        }
        // Every cent of credit from a source not returned is on the account or on an invoice, once.
        const live = entries.filter((entry) => entry.sourceEntryId === null && !returned.has(entry.id)).reduce((sum, entry) => sum + entry.amountCents, 0);
        const paidByCredit = original.reduce((sum, cents, index) => sum + cents - balance[index]!, 0);
        holds(total + paidByCredit === live, 'total + paidByCredit === live');
        balance.forEach((cents, index) => {
          holds(cents >= 0, 'cents >= 0');
          holds(cents <= original[index]!, 'cents <= original[index]!');
        });
      }
    }), { numRuns: propertyRuns(100_000), seed: 20261204 });
    // The generator must reach applications and returns of applied credit, or the property proves little.
    expect(applied).toBeGreaterThan(propertyRuns(50_000));
    expect(returnedAfterApplying).toBeGreaterThan(propertyRuns(5_000));
  });
});

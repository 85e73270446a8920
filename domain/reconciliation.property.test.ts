import fc from 'fast-check';
import { cashEffect, reconcile, type LedgerPosting, type LineType, type ProcessorTransfer, type ReconInput, type ReconLine, type ReconPayment } from './reconciliation';

/**
 * Reconciliation over generated books: three books that agree reconcile to the cent with no
 * difference; the totals do not depend on the order anything is listed in; and any single
 * amount changed in any one book is reported against the payment it belongs to.
 */
const SEED = 20261113;

interface Book {
  payment: ReconPayment;
  lines: ReconLine[];
}

const arbBook = (index: number): fc.Arbitrary<Book> =>
  fc.record({
    charges: fc.array(fc.record({ type: fc.constantFrom<LineType>('invoice_payment', 'invoice_payment', 'debit_payment'), amount: fc.integer({ min: 1, max: 5_000_000 }) }), { minLength: 1, maxLength: 6 }),
    offsets: fc.array(fc.record({ type: fc.constantFrom<LineType>('credit_application', 'statement_discount'), share: fc.integer({ min: 1, max: 100 }) }), { maxLength: 3 }),
    fee: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 15_000 })),
  }).map(({ charges, offsets, fee }) => {
    const charged = charges.reduce((t, c) => t + c.amount, 0);
    // Credits and discounts take at most what the charges leave, so the payment stays positive.
    const offsetLines = offsets.map((o) => ({ type: o.type, amount: Math.max(1, Math.floor((charged * o.share) / (100 * (offsets.length + 1)))) }));
    const offsetTotal = offsetLines.reduce((t, o) => t + o.amount, 0);
    const number = `P-${1000 + index}`;
    const lines = [...charges, ...offsetLines].map((line, i): ReconLine => ({
      key: `gl:${number}:${i}`, paymentNumber: number, lineType: line.type, reversesType: null, documentId: `DOC-${index}-${i}`, amountCents: line.amount,
      status: 'posted', erpPostingId: `post-${index}-${i}`, rejectedReason: null,
    }));
    const payment: ReconPayment = {
      id: `pay-${index}`, number, amountCents: charged - offsetTotal + fee, customerFeeCents: fee, transferId: `tr-${index}`, member: true, reversedHere: false, reversedElsewhere: false,
    };
    return { payment, lines };
  });

const arbBooks = fc.integer({ min: 1, max: 12 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => arbBook(i))));

function agreeingInput(books: readonly Book[]): ReconInput {
  const lines = books.flatMap((book) => book.lines);
  const transfers = new Map<string, ProcessorTransfer | null>(books.map((book) => [book.payment.transferId!, { transferId: book.payment.transferId!, amountCents: book.payment.amountCents, status: 'completed', returned: false }]));
  const postings: LedgerPosting[] = lines.map((line) => ({
    id: line.erpPostingId!, idempotencyKey: line.key, type: line.lineType, amountCents: Math.abs(line.amountCents), paymentReference: line.paymentNumber, documentId: line.documentId, reversesType: null,
  }));
  return {
    payments: books.map((book) => book.payment),
    lines,
    knownKeys: new Set(lines.map((line) => line.key)),
    processor: { available: true, transfers },
    erp: { available: true, postings },
  };
}

/** A different positive amount. */
const changed = (amount: number, delta: number) => (amount + delta >= 1 ? amount + delta : amount + Math.abs(delta));

function permute<T>(list: readonly T[], seed: number): T[] {
  return list.map((value, i) => ({ value, key: (i * 2654435761 + seed) % 4294967291 })).sort((a, b) => a.key - b.key).map((entry) => entry.value);
}

describe('reconciliation properties', () => {
  it('finds no difference between books that agree, and totals that match to the cent', () => {
    fc.assert(
      fc.property(arbBooks, (books) => {
        const report = reconcile(agreeingInput(books));
        const applied = books.reduce((t, book) => t + book.payment.amountCents - book.payment.customerFeeCents, 0);
        const collected = books.reduce((t, book) => t + book.payment.amountCents, 0);
        return report.agrees && report.differences.length === 0
          && report.drypowder.lineCashCents === applied && report.drypowder.postedCashCents === applied
          && report.drypowder.collectedCents === collected
          && report.processor.available && report.processor.collectedCents === collected
          && report.erp.available && report.erp.cashCents === applied
          && [report.drypowder.lineCashCents, report.drypowder.collectedCents].every(Number.isSafeInteger);
      }),
      { numRuns: 5_000, seed: SEED },
    );
  });

  it('reports the same totals and differences whatever order payments, lines and postings are listed in', () => {
    fc.assert(
      fc.property(arbBooks, fc.nat(), fc.nat(), (books, seed, damage) => {
        const input = agreeingInput(books);
        // Leave one line unposted so there is a difference to compare.
        const line = input.lines[damage % input.lines.length]!;
        const damaged: ReconInput = {
          ...input,
          lines: input.lines.map((l) => (l === line ? { ...l, status: 'pending' as const, erpPostingId: null } : l)),
          erp: { available: true, postings: (input.erp as { postings: LedgerPosting[] }).postings.filter((p) => p.idempotencyKey !== line.key) },
        };
        const shuffled: ReconInput = {
          ...damaged,
          payments: permute(damaged.payments, seed),
          lines: permute(damaged.lines, seed + 1),
          erp: { available: true, postings: permute((damaged.erp as { postings: LedgerPosting[] }).postings, seed + 2) },
        };
        const a = reconcile(damaged);
        const b = reconcile(shuffled);
        const sorted = (report: typeof a) => JSON.stringify(report.differences.map((d) => JSON.stringify(d)).sort());
        return sorted(a) === sorted(b) && JSON.stringify(a.drypowder) === JSON.stringify(b.drypowder) && JSON.stringify(a.erp) === JSON.stringify(b.erp)
          && a.differences.length === 1 && a.differences[0]!.kind === 'line_not_posted' && a.differences[0]!.key === line.key;
      }),
      { numRuns: 5_000, seed: SEED + 1 },
    );
  });

  it('reports any single amount changed in any one book against the payment it belongs to', () => {
    fc.assert(
      fc.property(arbBooks, fc.constantFrom('transfer', 'posting', 'line', 'payment'), fc.nat(), fc.integer({ min: -100_000, max: 100_000 }).filter((d) => d !== 0), (books, where, pick, delta) => {
        const input = agreeingInput(books);
        let victim: string;
        if (where === 'transfer' || where === 'payment') {
          const book = books[pick % books.length]!;
          victim = book.payment.number;
          if (where === 'transfer') {
            const transfers = new Map(input.processor.available ? input.processor.transfers : []);
            const transfer = transfers.get(book.payment.transferId!)!;
            transfers.set(book.payment.transferId!, { ...transfer, amountCents: transfer.amountCents + delta });
            input.processor = { available: true, transfers };
          } else {
            input.payments = input.payments.map((p) => (p === book.payment ? { ...p, amountCents: p.amountCents + delta } : p));
          }
        } else {
          const line = input.lines[pick % input.lines.length]!;
          victim = line.paymentNumber;
          if (where === 'line') input.lines = input.lines.map((l) => (l === line ? { ...l, amountCents: changed(l.amountCents, delta) } : l));
          else {
            const erp = input.erp as { postings: LedgerPosting[] };
            erp.postings = erp.postings.map((p) => (p.idempotencyKey === line.key ? { ...p, amountCents: changed(p.amountCents, delta) } : p));
          }
        }
        const report = reconcile(input);
        return !report.agrees && report.differences.some((d) => d.paymentNumber === victim);
      }),
      { numRuns: 5_000, seed: SEED + 2 },
    );
  });

  it('a reversal exactly undoes the line it reverses, whatever the sign it is written with', () => {
    const types: LineType[] = ['invoice_payment', 'credit_application', 'debit_payment', 'statement_discount'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.boolean(), (type, amount, negated) => {
        const line = cashEffect(type, null, amount);
        const reversal = cashEffect('reversal', type, negated ? -amount : amount);
        return line + reversal === 0 && Number.isSafeInteger(line) && cashEffect('reversal', null, amount) === 0 && Math.abs(line) === Math.abs(amount);
      }),
      { numRuns: 5_000, seed: SEED + 3 },
    );
  });
});

import { cashEffect, reconcile, type LedgerPosting, type ProcessorTransfer, type ReconInput, type ReconLine, type ReconPayment } from './reconciliation';

const payment = (fields: Partial<ReconPayment> = {}): ReconPayment => ({
  id: 'p1', number: 'P-1', amountCents: 13_200, customerFeeCents: 0, transferId: 't1', member: true, reversedHere: false, reversedElsewhere: false, ...fields,
});
const line = (fields: Partial<ReconLine>): ReconLine => ({
  key: 'k', paymentNumber: 'P-1', lineType: 'invoice_payment', reversesType: null, documentId: 'INV-1', amountCents: 0, status: 'posted', erpPostingId: 'gl_1', rejectedReason: null, ...fields,
});
const transfer = (fields: Partial<ProcessorTransfer> = {}): ProcessorTransfer => ({ transferId: 't1', amountCents: 13_200, status: 'completed', returned: false, ...fields });
const posting = (of: ReconLine, fields: Partial<LedgerPosting> = {}): LedgerPosting => ({
  id: of.erpPostingId ?? 'gl_x', idempotencyKey: of.key, type: of.lineType, amountCents: Math.abs(of.amountCents), paymentReference: of.paymentNumber, documentId: of.documentId, reversesType: of.reversesType, ...fields,
});

/** P-1 paid INV-1 100.00 and INV-2 50.00, applied a 15.00 credit memo and took a 3.00 discount: 132.00 charged. */
const lines: ReconLine[] = [
  line({ key: 'gl:p1:1', documentId: 'INV-1', amountCents: 10_000, erpPostingId: 'gl_1' }),
  line({ key: 'gl:p1:2', documentId: 'INV-2', amountCents: 5_000, erpPostingId: 'gl_2' }),
  line({ key: 'gl:p1:3', lineType: 'credit_application', documentId: 'CM-1', amountCents: 1_500, erpPostingId: 'gl_3' }),
  line({ key: 'gl:p1:4', lineType: 'statement_discount', documentId: 'ST-1', amountCents: 300, erpPostingId: 'gl_4' }),
];

function clean(overrides: Partial<ReconInput> = {}): ReconInput {
  return {
    payments: [payment()],
    lines,
    knownKeys: new Set(lines.map((l) => l.key)),
    processor: { available: true, transfers: new Map([['t1', transfer()]]) },
    erp: { available: true, postings: lines.map((l) => posting(l)) },
    ...overrides,
  };
}

describe('reconcile', () => {
  it('says so when all three books agree to the cent', () => {
    const report = reconcile(clean());
    expect(report.differences).toEqual([]);
    expect(report.agrees).toBe(true);
    expect(report.drypowder).toMatchObject({ paymentCount: 1, collectedCents: 13_200, lineCount: 4, lineCashCents: 13_200, postedCashCents: 13_200 });
    expect(report.processor).toMatchObject({ available: true, collectedCents: 13_200, transferCount: 1 });
    expect(report.erp).toMatchObject({ available: true, postingCount: 4, cashCents: 13_200 });
    expect(report.summary).toMatch(/agree to the cent: 1 payments collected \$132\.00/);
  });

  it('lists a transfer of another amount, a missing one and one not completed', () => {
    const report = reconcile(clean({
      payments: [payment(), payment({ id: 'p2', number: 'P-2', amountCents: 500, transferId: 't2' }), payment({ id: 'p3', number: 'P-3', amountCents: 700, transferId: null })],
      processor: { available: true, transfers: new Map([['t1', transfer({ amountCents: 13_199 })], ['t2', transfer({ transferId: 't2', amountCents: 500, status: 'pending' })]]) },
    }));
    expect(report.differences.map((d) => [d.kind, d.paymentNumber])).toEqual([
      ['transfer_amount_mismatch', 'P-1'],
      ['transfer_not_completed', 'P-2'],
      ['transfer_missing', 'P-3'],
    ]);
    expect(report.differences[0]).toMatchObject({ drypowderCents: 13_200, otherCents: 13_199 });
    expect(report.differences[0]!.message).toMatch(/\$132\.00 here but \$131\.99/);
    expect(report.agrees).toBe(false);
  });

  it('expects a payment reversed here to be returned at the processor', () => {
    const reversal = line({ key: 'gl:reversal:p1:1', lineType: 'reversal', reversesType: 'invoice_payment', amountCents: -10_000, erpPostingId: 'gl_9' });
    const base = clean({
      payments: [payment({ reversedHere: true })],
      lines: [...lines, reversal],
      erp: { available: true, postings: [...lines, reversal].map((l) => posting(l)) },
    });
    expect(reconcile(base).differences.map((d) => d.kind)).toEqual(['return_not_at_processor']);
    const returned = reconcile({ ...base, processor: { available: true, transfers: new Map([['t1', transfer({ status: 'reversed', returned: true })]]) } });
    expect(returned.differences).toEqual([]);
    expect(returned.drypowder).toMatchObject({ returnedCents: 13_200, lineCashCents: 3_200 });
    expect(returned.processor).toMatchObject({ returnedCents: 13_200 });
    expect(returned.erp).toMatchObject({ cashCents: 3_200 });
  });

  it('accepts a returned transfer on the batch it settled in once its reversal is handled on a later one', () => {
    const refunded = { available: true as const, transfers: new Map([['t1', transfer({ status: 'reversed', returned: true })]]) };
    expect(reconcile(clean({ processor: refunded })).differences.map((d) => d.kind)).toEqual(['transfer_not_completed']);
    expect(reconcile(clean({ payments: [payment({ reversedElsewhere: true })], processor: refunded })).differences).toEqual([]);
  });

  it('lists lines not in the ledger, lines marked posted that it lacks, and postings Drypowder has not recorded', () => {
    const pending = { ...lines[1]!, status: 'pending' as const, erpPostingId: null };
    const rejected = { ...lines[2]!, status: 'rejected' as const, erpPostingId: null, rejectedReason: 'invoice INV-2 is paid' };
    const byHand = { ...lines[3]!, erpPostingId: null };
    const report = reconcile(clean({
      lines: [lines[0]!, pending, rejected, byHand],
      erp: { available: true, postings: [posting(lines[0]!), posting(lines[1]!)] },
    }));
    expect(report.differences.map((d) => [d.kind, d.key])).toEqual([
      ['ledger_has_unrecorded_posting', 'gl:p1:2'],
      ['line_not_posted', 'gl:p1:3'],
      ['line_missing_in_ledger', 'gl:p1:4'],
    ]);
    expect(report.differences[1]!.message).toMatch(/rejected: invoice INV-2 is paid/);
    expect(report.differences[2]!.message).toMatch(/posted by hand/);
  });

  it('lists a ledger posting of a different amount or type, and one Drypowder never sent', () => {
    const report = reconcile(clean({
      // The payment's lines on another settlement are Drypowder's too.
      knownKeys: new Set([...lines.map((l) => l.key), 'gl:p1:on-another-settlement']),
      erp: {
        available: true,
        postings: [
          posting(lines[0]!, { amountCents: 9_999 }), posting(lines[1]!), posting(lines[2]!), posting(lines[3]!),
          { id: 'gl_77', idempotencyKey: 'manual-entry-1', type: 'invoice_payment', amountCents: 10_000, paymentReference: 'P-1', documentId: 'INV-1', reversesType: null },
          { id: 'gl_78', idempotencyKey: 'gl:p1:on-another-settlement', type: 'invoice_payment', amountCents: 400, paymentReference: 'P-1', documentId: 'INV-3', reversesType: null },
          // Someone else's payment is none of this report's business.
          { id: 'gl_79', idempotencyKey: 'other-dealer', type: 'invoice_payment', amountCents: 1, paymentReference: 'P-999', documentId: 'X', reversesType: null },
        ],
      },
    }));
    expect(report.differences.map((d) => [d.kind, d.key])).toEqual([
      ['ledger_unexpected_posting', 'manual-entry-1'],
      ['ledger_amount_mismatch', 'gl:p1:1'],
    ]);
  });

  it('checks that a payment’s lines account for what it charged, fee excluded', () => {
    const withFee = reconcile(clean({ payments: [payment({ amountCents: 13_275, customerFeeCents: 75 })], processor: { available: true, transfers: new Map([['t1', transfer({ amountCents: 13_275 })]]) } }));
    expect(withFee.differences).toEqual([]);
    const short = reconcile(clean({ lines: lines.slice(0, 3), erp: { available: true, postings: lines.slice(0, 3).map((l) => posting(l)) } }));
    expect(short.differences).toEqual([expect.objectContaining({ kind: 'payment_lines_mismatch', drypowderCents: 13_200, otherCents: 13_500 })]);
  });

  it('reconciles a partial refund or chargeback to the cent, against what the processor took back', () => {
    // 30.00 of P-1 taken back later, over INV-1 (20.00) and INV-2 (10.00), reversed on this batch.
    const reversals = [
      line({ key: 'gl:reversal:p1:1:r1', lineType: 'reversal', reversesType: 'invoice_payment', documentId: 'INV-1', amountCents: -2_000, erpPostingId: 'gl_8' }),
      line({ key: 'gl:reversal:p1:2:r1', lineType: 'reversal', reversesType: 'invoice_payment', documentId: 'INV-2', amountCents: -1_000, erpPostingId: 'gl_9' }),
    ];
    const all = [...lines, ...reversals];
    const base = clean({
      payments: [payment({ reversedHere: true, reversedHereCents: 3_000, reversedCents: 3_000 })],
      lines: all,
      knownKeys: new Set(all.map((l) => l.key)),
      processor: { available: true, transfers: new Map([['t1', transfer({ reversedCents: 3_000 })]]) },
      erp: { available: true, postings: all.map((l) => posting(l)) },
    });
    const report = reconcile(base);
    expect(report.differences).toEqual([]);
    expect(report.agrees).toBe(true);
    expect(report.drypowder).toMatchObject({ collectedCents: 13_200, returnedCents: 3_000, lineCount: 6, lineCashCents: 10_200, postedCashCents: 10_200 });
    expect(report.processor).toMatchObject({ collectedCents: 13_200, returnedCents: 3_000 });
    expect(report.erp).toMatchObject({ postingCount: 6, cashCents: 10_200 });
    expect(report.summary).toMatch(/\$30\.00 returned/);

    const short = reconcile({ ...base, processor: { available: true, transfers: new Map([['t1', transfer({ reversedCents: 1_000 })]]) } });
    expect(short.differences).toEqual([expect.objectContaining({ kind: 'return_not_at_processor', drypowderCents: 3_000, otherCents: 1_000 })]);
    expect(short.differences[0]!.message).toBe('$30.00 of payment P-1 is taken back here, but the processor took back only $10.00.');
    const unread = reconcile({ ...base, processor: { available: true, transfers: new Map([['t1', transfer()]]) } });
    expect(unread.differences.map((d) => d.kind)).toEqual(['return_not_at_processor']);
    // The processor refunded more than Drypowder booked: money it has lost track of.
    const more = reconcile({ ...base, processor: { available: true, transfers: new Map([['t1', transfer({ reversedCents: 4_000 })]]) } });
    expect(more.differences).toEqual([expect.objectContaining({ kind: 'reversal_not_booked', drypowderCents: 3_000, otherCents: 4_000 })]);
    // On the batch the payment settled in, with the refund handled on a later one, a refund at the processor nobody booked shows.
    const unbooked = reconcile(clean({ processor: { available: true, transfers: new Map([['t1', transfer({ reversedCents: 500 })]]) } }));
    expect(unbooked.differences.map((d) => [d.kind, d.otherCents])).toEqual([['reversal_not_booked', 500]]);
    const bookedElsewhere = reconcile(clean({
      payments: [payment({ reversedElsewhere: true, reversedCents: 500 })],
      processor: { available: true, transfers: new Map([['t1', transfer({ reversedCents: 500 })]]) },
    }));
    expect(bookedElsewhere.differences).toEqual([]);
  });

  it('never claims agreement for a side it could not read', () => {
    const report = reconcile(clean({ erp: { available: false, reason: 'posted by file; no ERP connection' } }));
    expect(report.differences).toEqual([]);
    expect(report.agrees).toBe(false);
    expect(report.summary).toBe('No differences in what could be compared; not compared: the ERP ledger (posted by file; no ERP connection).');
  });
});

describe('cashEffect', () => {
  it('counts what each line does to what the customer owes', () => {
    expect(cashEffect('invoice_payment', null, 100)).toBe(100);
    expect(cashEffect('debit_payment', null, 100)).toBe(100);
    expect(cashEffect('credit_application', null, 100)).toBe(-100);
    expect(cashEffect('statement_discount', null, 100)).toBe(-100);
    expect(cashEffect('reversal', 'invoice_payment', -100)).toBe(-100);
    expect(cashEffect('reversal', 'credit_application', -100)).toBe(100);
  });
});

import type { Db } from '../db/connection';
import { disputesOfPayment, recordDisputeEvidence, upsertDispute } from '../db/payment-disputes';
import { reversalsOfPayment, reversePaymentAmount, type ReversePaymentInput } from '../db/payment-reversals';
import { reverseApplications } from '../db/payments';
import { drypowderReconSide } from '../db/reconciliation';
import { closeSettlement, joinSettlement, markCategoryPosted, queueReversal } from '../db/settlements';
import { cashEffect, reconcile, type LedgerPosting } from '../domain/reconciliation';
import { Refusal } from '../domain/refusal';
import { settlementBusinessDate } from '../domain/settlement-day';
import type { DisputeSnapshot } from '../integrations/payment-processor';
import { settlementWorkflowId } from '../workflows/settlement-definitions';
import { testDb } from './support/db';
import { createCustomerBook, createSettledPayment, createSettlementDealer, createSettlementOperator, type CustomerBook, type PaymentPart, type SettlementDealer } from './support/settlements';

/**
 * Money taken back from a settled payment: where a partial amount goes, what a repeat or a
 * too-large amount does, the GL reversal lines and the settlement they land in, disputes
 * reported out of order, and the reconciliation of a settlement hit later.
 */
describe('amounts taken back from a settled payment', () => {
  let db: Db;
  beforeAll(() => {
    db = testDb();
  });
  afterAll(async () => {
    await db.destroy();
  });

  const SETTLED_AT = new Date('2026-11-04T15:00:00Z');
  const ZONE = 'America/Chicago';

  interface Scenario {
    dealer: SettlementDealer;
    book: CustomerBook;
    payment: { id: string; number: string; amountCents: number };
    settlementId: string;
    /** Application ids by document number ('discount' for the statement discount). */
    app: Record<string, number>;
  }

  /**
   * A settled payment in its batch: INV-1 100.00 in full, 50.00 of INV-2 (200.00), debit DM-1
   * 20.00, credit memo CM-1 15.00 applied to INV-2 and a 3.00 statement discount: 152.00 charged.
   */
  async function scenario(parts?: (n: (doc: string) => string) => PaymentPart[], options: { feeCents?: number } = {}): Promise<Scenario> {
    const dealer = await createSettlementDealer(db, null);
    const tag = dealer.id.slice(0, 6);
    const n = (doc: string) => `${doc}-${tag}`;
    const book = await createCustomerBook(db, null, dealer, {
      invoices: [{ number: n('INV-1'), amountCents: 10_000 }, { number: n('INV-2'), amountCents: 20_000 }],
      credits: [{ number: n('CM-1'), amountCents: 1_500 }],
      debits: [{ number: n('DM-1'), amountCents: 2_000 }],
      statement: { number: n('ST-1'), discountCents: 300 },
    }, tag);
    const spec = parts?.(n) ?? [
      { kind: 'invoice', number: n('INV-1'), amountCents: 10_000 },
      { kind: 'invoice', number: n('INV-2'), amountCents: 5_000 },
      { kind: 'debit', number: n('DM-1'), amountCents: 2_000 },
      { kind: 'credit', number: n('CM-1'), amountCents: 1_500, appliedTo: n('INV-2') },
      { kind: 'discount', amountCents: 300 },
    ];
    const payment = await createSettledPayment(db, book, spec, { settledAt: SETTLED_AT, processingCostCents: 50, feeCents: options.feeCents });
    // What settling did to the book: the amounts came off the items and the discount was taken.
    for (const part of spec) {
      if (part.kind === 'discount') {
        await db('statements').where({ id: book.statementId }).update({ status: 'paid' });
      } else {
        const table = part.kind === 'invoice' ? 'invoices' : 'adjustments';
        const id = part.kind === 'invoice' ? book.invoiceIds.get(part.number) : book.adjustmentIds.get(part.number);
        const [paidStatus, partialStatus] = part.kind === 'invoice' ? ['paid', 'partially_paid'] : ['applied', 'partially_applied'];
        await db(table).where({ id }).update({
          balance_cents: db.raw('balance_cents - ?', [part.amountCents]),
          status: db.raw('case when balance_cents - ? = 0 then ? else ? end', [part.amountCents, paidStatus, partialStatus]),
        });
      }
    }
    const { settlement } = await db.transaction((trx) => joinSettlement(trx, { paymentId: payment.id, now: new Date(), workflowIdFor: settlementWorkflowId }));
    const applications = await db('payment_applications as pa')
      .leftJoin('invoices as i', 'i.id', 'pa.invoice_id').leftJoin('adjustments as a', 'a.id', 'pa.adjustment_id')
      .where('pa.payment_id', payment.id).select('pa.id', 'pa.item_type', 'i.invoice_number', 'a.adjustment_number');
    const app: Record<string, number> = {};
    for (const row of applications) app[row.invoice_number ?? row.adjustment_number ?? 'discount'] = Number(row.id);
    return { dealer, book, payment, settlementId: settlement.id, app: Object.fromEntries(Object.entries(app).map(([k, v]) => [k.replace(`-${tag}`, ''), v])) };
  }

  const reverse = (s: Scenario, fields: Partial<ReversePaymentInput> & { amountCents: number; sourceId: string }) =>
    db.transaction((trx) => reversePaymentAmount(trx, {
      paymentId: s.payment.id, kind: 'refund', reason: 'Customer asked for it back', now: new Date(), workflowIdFor: settlementWorkflowId, ...fields,
    }));
  const invoice = (s: Scenario, doc: string) => db('invoices').where({ id: s.book.invoiceIds.get(`${doc}-${s.dealer.id.slice(0, 6)}`) }).first();
  const adjustment = (s: Scenario, doc: string) => db('adjustments').where({ id: s.book.adjustmentIds.get(`${doc}-${s.dealer.id.slice(0, 6)}`) }).first();
  const settlement = (id: string) => db('settlements').where({ id }).first();
  const reversalLines = (paymentId: string) => db('gl_posting_lines').where({ payment_id: paymentId, line_type: 'reversal' }).orderBy('idempotency_key');
  const refusalOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(Refusal);
    return error as Refusal;
  };

  it('allocates a partial amount pro rata over the invoices and debit it paid, restores those balances and lines exactly that', async () => {
    const s = await scenario();
    const result = await reverse(s, { kind: 'chargeback', sourceId: 'dispute-1', amountCents: 3_400 });
    expect(result).toMatchObject({ created: true, full: false, settlementId: s.settlementId });
    expect(result.reopened.map((item) => [item.itemType, item.number.split('-').slice(0, 2).join('-'), item.amountCents]).sort()).toEqual([
      ['debit', 'DM-1', 400], ['invoice', 'INV-1', 2_000], ['invoice', 'INV-2', 1_000],
    ]);
    expect(await invoice(s, 'INV-1')).toMatchObject({ balance_cents: 2_000, status: 'partially_paid' });
    expect(await invoice(s, 'INV-2')).toMatchObject({ balance_cents: 16_000, status: 'partially_paid' });
    expect(await adjustment(s, 'DM-1')).toMatchObject({ balance_cents: 400, status: 'partially_applied' });
    // The credit memo and the discount stay applied: no money moved for them.
    expect(await adjustment(s, 'CM-1')).toMatchObject({ balance_cents: 0 });
    expect((await db('statements').where({ id: s.book.statementId }).first()).status).toBe('paid');
    expect(await db('payments').where({ id: s.payment.id }).first('reversed_cents', 'status')).toEqual({ reversed_cents: 3_400, status: 'settled' });
    const applications = await db('payment_applications').where({ payment_id: s.payment.id }).orderBy('id');
    expect(applications.map((a) => [Number(a.id), a.reversed_cents, a.state])).toEqual([
      [s.app['INV-1'], 2_000, 'applied'], [s.app['INV-2'], 1_000, 'applied'], [s.app['DM-1'], 400, 'applied'], [s.app['CM-1'], 0, 'applied'], [s.app.discount, 0, 'applied'],
    ]);
    expect((await db('payment_reversal_items').where({ reversal_id: result.reversal.id })).map((i) => [Number(i.application_id), i.amount_cents]).sort()).toEqual(
      [[s.app['INV-1'], 2_000], [s.app['INV-2'], 1_000], [s.app['DM-1'], 400]].sort());

    // One reversal line per application given back, each against its original line, on the payment's own unposted batch.
    const lines = await reversalLines(s.payment.id);
    const originals = new Map((await db('gl_posting_lines').where({ payment_id: s.payment.id }).whereNot({ line_type: 'reversal' })).map((l) => [l.id, l]));
    expect(lines.map((l) => [l.category, l.amount_cents, l.settlement_id, l.idempotency_key]).sort()).toEqual([
      ['debit_adjustments', -400, s.settlementId, `gl:reversal:${s.payment.id}:${s.app['DM-1']}:${result.reversal.id}`],
      ['invoices', -1_000, s.settlementId, `gl:reversal:${s.payment.id}:${s.app['INV-2']}:${result.reversal.id}`],
      ['invoices', -2_000, s.settlementId, `gl:reversal:${s.payment.id}:${s.app['INV-1']}:${result.reversal.id}`],
    ].sort());
    for (const line of lines) expect(originals.get(line.reverses_line_id)).toMatchObject({ payment_application_id: line.payment_application_id, document_id: line.document_id });
    expect(await settlement(s.settlementId)).toMatchObject({ gross_cents: 15_200, fee_cents: 50, net_cents: 15_200 - 50 - 3_400 });
    const categories = await db('settlement_categories').where({ settlement_id: s.settlementId }).orderBy('category');
    expect(categories.map((c) => [c.category, c.amount_cents])).toEqual([['credit_adjustments', 1_500], ['debit_adjustments', 1_600], ['invoices', 15_300 - 3_000]]);

    const audit = await db('audit_events').where({ entity_id: s.payment.id, action: 'payment.reversal_booked' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'processor', data: expect.objectContaining({ kind: 'chargeback', sourceId: 'dispute-1', amountCents: 3_400, full: false }) });
    expect(await db('account_stats').where({ customer_account_id: s.book.accountId }).first()).toBeDefined();
  });

  it('answers a repeat with what the first call did and changes nothing; refuses more than the payment holds', async () => {
    const s = await scenario();
    const first = await reverse(s, { sourceId: 'refund-1', amountCents: 3_400 });
    const before = { lines: await reversalLines(s.payment.id), invoice: await invoice(s, 'INV-1'), settlement: await settlement(s.settlementId) };
    const again = await reverse(s, { sourceId: 'refund-1', amountCents: 3_400 });
    expect(again).toEqual({ ...first, created: false });
    expect(await reversalLines(s.payment.id)).toEqual(before.lines);
    expect(await invoice(s, 'INV-1')).toEqual(before.invoice);
    expect(await settlement(s.settlementId)).toEqual(before.settlement);
    expect(await db('payment_reversals').where({ payment_id: s.payment.id })).toHaveLength(1);

    const refused = await refusalOf(reverse(s, { sourceId: 'refund-2', amountCents: 15_200 - 3_400 + 1 }));
    expect(refused).toMatchObject({ kind: 'conflict', code: 'amount_exceeds_payment' });
    expect(refused.message).toMatch(/\$118\.00 left to take back/);
    expect(await db('payment_reversals').where({ payment_id: s.payment.id })).toHaveLength(1);
    expect((await db('payments').where({ id: s.payment.id }).first()).reversed_cents).toBe(3_400);
    expect(await reversalLines(s.payment.id)).toHaveLength(3);
    expect((await refusalOf(reverse(s, { sourceId: 'refund-3', amountCents: 100, reason: '  ' }))).code).toBe('reason_required');
  });

  it('gives a second partial reversal of the same application its own lines, and the whole remainder undoes everything', async () => {
    const s = await scenario();
    const first = await reverse(s, { sourceId: 'refund-1', amountCents: 3_400 });
    const second = await reverse(s, { kind: 'refund', sourceId: 'refund-2', amountCents: 1_700 });
    expect(second.reopened.map((item) => item.amountCents).sort((a, b) => a - b)).toEqual([200, 500, 1_000]);
    const ofInvoice1 = (await reversalLines(s.payment.id)).filter((l) => Number(l.payment_application_id) === s.app['INV-1']);
    expect(ofInvoice1.map((l) => [l.amount_cents, l.idempotency_key]).sort()).toEqual([
      [-2_000, `gl:reversal:${s.payment.id}:${s.app['INV-1']}:${first.reversal.id}`],
      [-1_000, `gl:reversal:${s.payment.id}:${s.app['INV-1']}:${second.reversal.id}`],
    ].sort());

    const rest = await reverse(s, { kind: 'chargeback', sourceId: 'dispute-9', amountCents: 15_200 - 5_100 });
    expect(rest).toMatchObject({ created: true, full: true, settlementId: s.settlementId });
    expect(await invoice(s, 'INV-1')).toMatchObject({ balance_cents: 10_000, status: 'open' });
    expect(await invoice(s, 'INV-2')).toMatchObject({ balance_cents: 20_000, status: 'open' });
    expect(await adjustment(s, 'DM-1')).toMatchObject({ balance_cents: 2_000, status: 'open' });
    expect(await adjustment(s, 'CM-1')).toMatchObject({ balance_cents: 1_500, status: 'open' });
    expect((await db('statements').where({ id: s.book.statementId }).first()).status).toBe('open');
    expect((await db('payment_applications').where({ payment_id: s.payment.id })).every((a) => a.state === 'reversed' && a.reversed_cents === a.amount_cents)).toBe(true);
    expect((await db('payments').where({ id: s.payment.id }).first()).reversed_cents).toBe(15_200);

    // Per category, the full reversal's lines are exactly what each application still held.
    const restLines = (await reversalLines(s.payment.id)).filter((l) => l.idempotency_key.endsWith(rest.reversal.id));
    const byCategory = (category: string) => restLines.filter((l) => l.category === category).reduce((sum, l) => sum + l.amount_cents, 0);
    expect([byCategory('invoices'), byCategory('credit_adjustments'), byCategory('debit_adjustments')]).toEqual([-(7_000 + 3_500 + 300), -1_500, -1_400]);
    const items = await db('payment_reversal_items').where({ reversal_id: rest.reversal.id });
    expect(items.reduce((sum, i) => sum + i.amount_cents, 0)).toBe(-restLines.reduce((sum, l) => sum + l.amount_cents, 0));
    // Everything the payment applied is undone, to the cent, and the batch nets to its fee.
    const all = await db('gl_posting_lines as l').leftJoin('gl_posting_lines as o', 'o.id', 'l.reverses_line_id').where('l.payment_id', s.payment.id).select('l.line_type', 'o.line_type as reverses', 'l.amount_cents');
    expect(all.reduce((sum, l) => sum + cashEffect(l.line_type, l.reverses, l.amount_cents), 0)).toBe(0);
    expect(await settlement(s.settlementId)).toMatchObject({ gross_cents: 15_200, net_cents: -50 });
    expect((await refusalOf(reverse(s, { sourceId: 'refund-4', amountCents: 1 }))).code).toBe('amount_exceeds_payment');

    const history = await reversalsOfPayment(db, s.payment.id);
    expect(history.map((r) => [r.kind, r.sourceId, r.amountCents, r.items.length])).toEqual([['refund', 'refund-1', 3_400, 3], ['refund', 'refund-2', 1_700, 3], ['chargeback', 'dispute-9', 10_100, 5]]);
    expect(history[2]!.items.find((i) => i.itemType === 'discount')).toMatchObject({ amountCents: 300, number: expect.stringMatching(/^ST-1-/) });
  });

  it('refunds by item exactly the items named, and names each item it refuses', async () => {
    const s = await scenario();
    const refused = await refusalOf(reverse(s, { sourceId: 'refund-x', amountCents: 1_600, items: [{ applicationId: s.app['CM-1']!, amountCents: 100 }, { applicationId: s.app['INV-2']!, amountCents: 5_001 }] }));
    expect(refused).toMatchObject({ kind: 'invalid', code: 'invalid_refund_items' });
    expect(refused.message).toMatch(/Credit adjustment CM-1-\w+ was not paid with money/);
    expect(refused.message).toMatch(/Invoice INV-2-\w+ has \$50\.00 left to refund; \$50\.01 is more than that/);
    expect((await refusalOf(reverse(s, { sourceId: 'refund-x', amountCents: 900, items: [{ applicationId: s.app['INV-2']!, amountCents: 1_000 }] }))).code).toBe('items_total_mismatch');

    const result = await reverse(s, { sourceId: 'refund-y', amountCents: 1_000, actorId: (await createSettlementOperator(db, s.dealer.id)).id, items: [{ applicationId: s.app['INV-2']!, amountCents: 1_000 }] });
    expect(result.full).toBe(false);
    expect(result.reopened).toEqual([expect.objectContaining({ itemType: 'invoice', amountCents: 1_000, itemId: s.book.invoiceIds.get(`INV-2-${s.dealer.id.slice(0, 6)}`) })]);
    expect(await invoice(s, 'INV-1')).toMatchObject({ balance_cents: 0, status: 'paid' });
    expect(await invoice(s, 'INV-2')).toMatchObject({ balance_cents: 16_000 });
    expect((await reversalLines(s.payment.id)).map((l) => l.amount_cents)).toEqual([-1_000]);
    expect(await db('audit_events').where({ entity_id: s.payment.id, action: 'payment.reversal_booked' }).first()).toMatchObject({ actor_kind: 'operator' });
  });

  it('lines a reversal on the day\'s open batch once the payment\'s batch is posted, and the whole return afterwards takes back only the rest', async () => {
    const s = await scenario((n) => [{ kind: 'invoice', number: n('INV-1'), amountCents: 10_000 }, { kind: 'invoice', number: n('INV-2'), amountCents: 6_000 }], { feeCents: 250 });
    const operator = await createSettlementOperator(db, s.dealer.id);
    await db.transaction((trx) => closeSettlement(trx, { settlementId: s.settlementId, now: new Date(), actor: { kind: 'system' } }));
    await db.transaction((trx) => markCategoryPosted(trx, { settlementId: s.settlementId, dealerId: s.dealer.id, category: 'invoices', postedAt: new Date(), operatorId: operator.id }));

    const partial = await reverse(s, { sourceId: 'refund-1', amountCents: 1_600 });
    expect(partial.settlementId).not.toBe(s.settlementId);
    const today = await settlement(partial.settlementId!);
    expect(today).toMatchObject({ status: 'open', business_date: settlementBusinessDate(new Date(), ZONE, '17:00'), payment_count: 0, gross_cents: 0, net_cents: -1_600 });
    expect(await settlement(s.settlementId)).toMatchObject({ status: 'posted', net_cents: 16_250 - 50 });

    // The ACH return path (whole payment) after the refund: balances and lines only for what was left.
    await db.transaction((trx) => reverseApplications(trx, s.payment.id));
    const whole = await db.transaction((trx) => queueReversal(trx, { paymentId: s.payment.id, now: new Date(), workflowIdFor: settlementWorkflowId }));
    expect(whole).toMatchObject({ created: true, settlement: expect.objectContaining({ id: today.id }) });
    expect(await invoice(s, 'INV-1')).toMatchObject({ balance_cents: 10_000, status: 'open' });
    expect(await invoice(s, 'INV-2')).toMatchObject({ balance_cents: 20_000, status: 'open' });
    const lines = await reversalLines(s.payment.id);
    expect(lines.reduce((sum, l) => sum + l.amount_cents, 0)).toBe(-16_000);
    expect(lines.filter((l) => !l.idempotency_key.endsWith(partial.reversal.id)).map((l) => l.idempotency_key).sort()).toEqual(
      [`gl:reversal:${s.payment.id}:${s.app['INV-1']}`, `gl:reversal:${s.payment.id}:${s.app['INV-2']}`].sort());
    // The batch gives back the refund and the rest of the payment, fee included: 162.50 in all.
    expect(await settlement(today.id)).toMatchObject({ net_cents: -16_250 });
    expect((await db('payments').where({ id: s.payment.id }).first()).reversed_cents).toBe(16_250);
    const repeat = await db.transaction((trx) => queueReversal(trx, { paymentId: s.payment.id, now: new Date(), workflowIdFor: settlementWorkflowId }));
    expect(repeat).toMatchObject({ created: false, settlement: expect.objectContaining({ id: today.id }) });
    expect(await reversalLines(s.payment.id)).toHaveLength(lines.length);
  });

  it('reconciles a settlement later hit by a partial refund to the cent, on its own batch and on the one that handles it', async () => {
    const s = await scenario();
    const operator = await createSettlementOperator(db, s.dealer.id);
    await db.transaction((trx) => closeSettlement(trx, { settlementId: s.settlementId, now: new Date(), actor: { kind: 'system' } }));
    for (const category of ['invoices', 'credit_adjustments', 'debit_adjustments'] as const) {
      await db.transaction((trx) => markCategoryPosted(trx, { settlementId: s.settlementId, dealerId: s.dealer.id, category, postedAt: new Date(), operatorId: operator.id }));
    }
    await db('payments').where({ id: s.payment.id }).update({ moov_transfer_id: `tr-${s.payment.id}` });
    const refund = await reverse(s, { sourceId: 'refund-1', amountCents: 3_400 });
    // The ERP holds every line as posted; the processor shows the refund.
    await db('gl_posting_lines').where({ payment_id: s.payment.id }).update({ status: 'posted', erp_posting_id: db.raw(`'erp-' || id`) });
    const transfers = (reversedCents: number) => ({ available: true as const, transfers: new Map([[`tr-${s.payment.id}`, { transferId: `tr-${s.payment.id}`, amountCents: 15_200, status: 'completed', returned: false, reversedCents }]]) });

    const sideOf = async (settlementIds: string[]) => {
      const side = await drypowderReconSide(db, s.dealer.id, settlementIds);
      const typeOf = new Map(side.lines.map((l) => [l.key, l.lineType]));
      const postings: LedgerPosting[] = side.lines.map((l) => ({ id: l.erpPostingId!, idempotencyKey: l.key, type: l.lineType, amountCents: Math.abs(l.amountCents), paymentReference: l.paymentNumber, documentId: l.documentId, reversesType: l.reversesType }));
      expect(typeOf.size).toBe(side.lines.length);
      return { ...side, erp: { available: true as const, postings } };
    };

    const home = await sideOf([s.settlementId]);
    expect(home.payments).toEqual([expect.objectContaining({ member: true, reversedHere: false, reversedElsewhere: true, reversedHereCents: 0, reversedCents: 3_400 })]);
    const homeReport = reconcile({ ...home, processor: transfers(3_400) });
    expect(homeReport.differences).toEqual([]);
    expect(homeReport.drypowder).toMatchObject({ collectedCents: 15_200, returnedCents: 0, lineCashCents: 15_200 });

    const handling = await sideOf([refund.settlementId!]);
    expect(handling.payments).toEqual([expect.objectContaining({ member: false, reversedHere: true, reversedHereCents: 3_400, reversedCents: 3_400 })]);
    const report = reconcile({ ...handling, processor: transfers(3_400) });
    expect(report.differences).toEqual([]);
    expect(report.agrees).toBe(true);
    expect(report.drypowder).toMatchObject({ paymentCount: 0, returnedCents: 3_400, lineCount: 3, lineCashCents: -3_400, postedCashCents: -3_400 });
    expect(report.erp).toMatchObject({ postingCount: 3, cashCents: -3_400 });
    expect(report.processor).toMatchObject({ returnedCents: 3_400 });
    expect((await settlement(refund.settlementId!)).net_cents).toBe(-3_400);

    // The processor shows less taken back, or more (a refund nobody booked): each is a difference.
    expect(reconcile({ ...handling, processor: transfers(3_000) }).differences.map((d) => [d.kind, d.drypowderCents, d.otherCents])).toEqual([['return_not_at_processor', 3_400, 3_000]]);
    expect(reconcile({ ...home, processor: transfers(4_000) }).differences.map((d) => [d.kind, d.drypowderCents, d.otherCents])).toEqual([['reversal_not_booked', 3_400, 4_000]]);
  });

  describe('disputes', () => {
    const snapshot = (fields: Partial<DisputeSnapshot> = {}): DisputeSnapshot => ({
      disputeId: 'dp-1', transferId: 'tr-1', amountCents: 4_000, status: 'response_needed', phase: 'chargeback', respondBy: '2026-12-01T00:00:00.000Z',
      networkReasonCode: '10.4', networkReason: 'Card absent fraud', ...fields,
    });

    it('records each status once, in the processor\'s order, and a stale report never undoes a decision', async () => {
      const s = await scenario();
      const upsert = (fields: Partial<DisputeSnapshot>) => db.transaction((trx) => upsertDispute(trx, { paymentId: s.payment.id, dealerId: s.dealer.id, snapshot: snapshot({ disputeId: `dp-${s.payment.id}`, ...fields }) }));

      const opened = await upsert({});
      expect(opened).toMatchObject({ created: true, previousStatus: null, row: expect.objectContaining({ status: 'response_needed', amount_cents: 4_000, decided_at: null }) });
      expect((await upsert({})).created).toBe(false);
      expect(await upsert({ status: 'under_review' })).toMatchObject({ previousStatus: 'response_needed', row: expect.objectContaining({ status: 'under_review' }) });
      const won = await upsert({ status: 'won' });
      expect(won).toMatchObject({ previousStatus: 'under_review', row: expect.objectContaining({ status: 'won' }) });
      expect(won.row.decided_at).not.toBeNull();

      // Out of order: an older 'response_needed' arrives after the decision.
      const stale = await upsert({ status: 'response_needed', phase: 'inquiry' });
      expect(stale).toMatchObject({ created: false, previousStatus: 'won', row: expect.objectContaining({ status: 'won', phase: 'chargeback' }) });
      expect((await disputesOfPayment(db, s.payment.id)).map((d) => d.status)).toEqual(['won']);
      // Pre-arbitration lost after a win is a real change.
      expect(await upsert({ status: 'lost', phase: 'pre_arbitration' })).toMatchObject({ previousStatus: 'won', row: expect.objectContaining({ status: 'lost' }) });

      const audit = await db('audit_events').where({ entity_id: s.payment.id }).whereIn('action', ['payment.dispute_reported', 'payment.dispute_status_reported']).orderBy('id');
      expect(audit.map((a) => [a.data.disputeFrom, a.data.disputeTo])).toEqual([[null, 'response_needed'], ['response_needed', 'under_review'], ['under_review', 'won'], ['won', 'lost']]);
    });

    it('records evidence notes for the dealer\'s own dispute only', async () => {
      const s = await scenario();
      const other = await scenario();
      const operator = await createSettlementOperator(db, s.dealer.id);
      const { row } = await db.transaction((trx) => upsertDispute(trx, { paymentId: s.payment.id, dealerId: s.dealer.id, snapshot: snapshot({ disputeId: `dp-${s.payment.id}` }) }));
      const saved = await db.transaction((trx) => recordDisputeEvidence(trx, { disputeId: row.id, dealerId: s.dealer.id, operatorId: operator.id, notes: ' Signed delivery ticket sent ' }));
      expect(saved).toMatchObject({ evidence_notes: 'Signed delivery ticket sent', evidence_by: operator.id });
      const elsewhere = await refusalOf(db.transaction((trx) => recordDisputeEvidence(trx, { disputeId: row.id, dealerId: other.dealer.id, operatorId: operator.id, notes: 'x' })));
      expect(elsewhere.kind).toBe('not_found');
      expect((await refusalOf(db.transaction((trx) => recordDisputeEvidence(trx, { disputeId: 'nope', dealerId: s.dealer.id, operatorId: operator.id, notes: 'x' })))).kind).toBe('not_found');
      expect((await refusalOf(db.transaction((trx) => recordDisputeEvidence(trx, { disputeId: row.id, dealerId: s.dealer.id, operatorId: operator.id, notes: '  ' })))).code).toBe('evidence_notes_required');
      const mismatch = await refusalOf(db.transaction((trx) => upsertDispute(trx, { paymentId: other.payment.id, dealerId: other.dealer.id, snapshot: snapshot({ disputeId: `dp-${s.payment.id}` }) })));
      expect(mismatch.code).toBe('dispute_of_another_payment');
    });
  });
});

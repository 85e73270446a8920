import { ApplicationFailure } from '@temporalio/common';
import { createSettlementActivities } from '../activities/settlements';
import type { Db } from '../db/connection';
import { markCategoryPosted } from '../db/settlements';
import { nextBusinessDay } from '../domain/business-calendar';
import { settlementBusinessDate, settlementClosesAt } from '../domain/settlement-day';
import { logger } from '../runtime/logger';
import { settlementStateQuery, settlementWorkflowId, closeSettlementSignal } from '../workflows/settlement-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { createCustomerBook, createSettledPayment, createSettlementDealer, createSettlementOperator, type CustomerBook, type SettlementDealer } from './support/settlements';
import { startTestWorker } from './support/temporal';
import { eventually } from './support/eventually';

/**
 * Batching: which settlement a settled payment joins, when the batch closes, what it adds up
 * to, and how payments leave it (freeze) or are reversed on it (return).
 */
describe('settlement batching', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let activities: ReturnType<typeof createSettlementActivities>;
  const ZONE = 'America/Chicago';

  beforeAll(async () => {
    db = testDb();
    const config = testConfig();
    worker = await startTestWorker({ db, logger, config });
    activities = createSettlementActivities({ db, logger, config, temporal: worker.client, taskQueue: worker.taskQueue });
  });
  afterAll(async () => {
    await worker.stop();
    await db.destroy();
  });

  const settlement = (id: string) => db('settlements').where({ id }).first();
  const waitForStatus = (id: string, status: string) => eventually(async () => {
    expect((await settlement(id)).status).toBe(status);
  });

  async function bookFor(dealer: SettlementDealer, invoices = 4): Promise<CustomerBook> {
    return createCustomerBook(db, null, dealer, {
      invoices: Array.from({ length: invoices }, (_, index) => ({ number: `INV-${dealer.id.slice(0, 4)}-${index + 1}`, amountCents: 10_000 * (index + 1), job: 'J-1' })),
      credits: [{ number: `CM-${dealer.id.slice(0, 4)}-1`, amountCents: 1_500, appliesTo: null }],
      debits: [{ number: `DB-${dealer.id.slice(0, 4)}-1`, amountCents: 2_000 }],
      statement: { number: `ST-${dealer.id.slice(0, 4)}-1`, discountCents: 300 },
    });
  }
  const inv = (book: CustomerBook, n: number) => [...book.invoiceIds.keys()][n - 1]!;

  it('groups payments of one dealer business day and sends one settled at the cutoff to the next business day', async () => {
    const dealer = await createSettlementDealer(db, null);
    const book = await bookFor(dealer);
    const now = new Date();
    const day = settlementBusinessDate(now, ZONE, '17:00');
    const cutoff = settlementClosesAt(day, ZONE, '17:00');

    const first = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 1), amountCents: 4_000 }], { settledAt: now });
    const second = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 2), amountCents: 6_000 }], { settledAt: now });
    const atCutoff = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 3), amountCents: 7_000 }], { settledAt: cutoff });

    const a = await activities.addToSettlement({ paymentId: first.id });
    const b = await activities.addToSettlement({ paymentId: second.id });
    const c = await activities.addToSettlement({ paymentId: atCutoff.id });
    expect(b.settlementId).toBe(a.settlementId);
    expect(c.settlementId).not.toBe(a.settlementId);

    const today = await settlement(a.settlementId);
    expect(today).toMatchObject({ business_date: day, status: 'open', payment_count: 2, gross_cents: 10_000, workflow_id: settlementWorkflowId(dealer.id, day) });
    expect(today.number).toMatch(/^S-\d+$/);
    expect(new Date(today.closes_at).toISOString()).toBe(cutoff.toISOString());
    expect((await settlement(c.settlementId)).business_date).toBe(nextBusinessDay(day));

    // Joining again (a retried activity) changes nothing.
    expect((await activities.addToSettlement({ paymentId: first.id })).settlementId).toBe(a.settlementId);
    expect(await db('gl_posting_lines').where({ settlement_id: a.settlementId })).toHaveLength(2);

    const handle = worker.client.workflow.getHandle(today.workflow_id);
    await eventually(async () => expect(await handle.query(settlementStateQuery)).toMatchObject({ status: 'open', joined: 2 }));

    // Closed early by an operator: ready (unposted), and a payment settled later that day opens
    // the day's second batch; it is not pushed to the next business day's.
    await handle.signal(closeSettlementSignal, { actorId: null });
    await waitForStatus(a.settlementId, 'ready');
    await eventually(async () => expect((await handle.query(settlementStateQuery)).status).toBe('ready'));
    const late = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 4), amountCents: 1_000 }], { settledAt: new Date() });
    const d = await activities.addToSettlement({ paymentId: late.id });
    expect([a.settlementId, c.settlementId]).not.toContain(d.settlementId);
    expect(await settlement(d.settlementId)).toMatchObject({ business_date: day, sequence: 2, status: 'open', payment_count: 1, workflow_id: settlementWorkflowId(dealer.id, day, 2) });
    expect(await settlement(c.settlementId)).toMatchObject({ business_date: nextBusinessDay(day), sequence: 1, payment_count: 1 });
  });

  it('closes by itself at the dealer cutoff, and never reopens a closed batch', async () => {
    const dealer = await createSettlementDealer(db, null);
    const book = await bookFor(dealer);
    // Monday 2026-11-02 16:59 in Chicago: that day's batch, whose cutoff has long passed.
    const monday = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 1), amountCents: 2_500 }], { settledAt: new Date('2026-11-02T22:59:00Z') });
    // Friday 2026-11-06 17:30: after the cutoff, so Monday 2026-11-09.
    const friday = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 2), amountCents: 3_500 }], { settledAt: new Date('2026-11-06T23:30:00Z') });
    const m = await activities.addToSettlement({ paymentId: monday.id });
    const f = await activities.addToSettlement({ paymentId: friday.id });
    expect((await settlement(m.settlementId)).business_date).toBe('2026-11-02');
    expect((await settlement(f.settlementId)).business_date).toBe('2026-11-09');
    expect(new Date((await settlement(m.settlementId)).closes_at).toISOString()).toBe('2026-11-02T23:00:00.000Z');

    await waitForStatus(m.settlementId, 'ready');
    await waitForStatus(f.settlementId, 'ready');
    const closed = await settlement(m.settlementId);
    expect(closed.closed_at).not.toBeNull();
    const audit = await db('audit_events').where({ entity_id: m.settlementId, action: 'settlement.closed' }).first();
    expect(audit).toMatchObject({ actor_kind: 'system' });

    // A payment whose day has closed joins the open batch of today's business day.
    const straggler = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 3), amountCents: 1_000 }], { settledAt: new Date('2026-11-02T20:00:00Z') });
    const s = await activities.addToSettlement({ paymentId: straggler.id });
    expect((await settlement(s.settlementId)).business_date).toBe(settlementBusinessDate(new Date(), ZONE, '17:00'));
    expect((await settlement(s.settlementId)).status).toBe('open');
  });

  it('adds up gross, dealer fees and net, and builds one GL line per application', async () => {
    const dealer = await createSettlementDealer(db, null);
    const book = await bookFor(dealer);
    const payment = await createSettledPayment(db, book, [
      { kind: 'invoice', number: inv(book, 1), amountCents: 10_000 },
      { kind: 'invoice', number: inv(book, 2), amountCents: 5_000 },
      { kind: 'debit', number: [...book.adjustmentIds.keys()][1]!, amountCents: 2_000 },
      { kind: 'credit', number: [...book.adjustmentIds.keys()][0]!, amountCents: 1_500, appliedTo: inv(book, 2) },
      { kind: 'discount', amountCents: 300 },
    ], { processingCostCents: 120, feeCents: 0 });
    // A second payment whose credit names no invoice: it is applied to the largest invoice paid.
    const other = await createSettledPayment(db, book, [
      { kind: 'invoice', number: inv(book, 3), amountCents: 900 },
      { kind: 'invoice', number: inv(book, 4), amountCents: 2_000 },
      { kind: 'credit', number: [...book.adjustmentIds.keys()][0]!, amountCents: 100 },
    ], { processingCostCents: 30, feeCents: 250 });
    const { settlementId } = await activities.addToSettlement({ paymentId: payment.id });
    await activities.addToSettlement({ paymentId: other.id });

    const row = await settlement(settlementId);
    expect(row).toMatchObject({ payment_count: 2, gross_cents: 15_200 + 3_050, fee_cents: 150, net_cents: 15_200 + 3_050 - 150 });
    const categories = await db('settlement_categories').where({ settlement_id: settlementId }).orderBy('category');
    expect(categories.map((c) => [c.category, c.line_count, c.amount_cents, c.status])).toEqual([
      ['credit_adjustments', 2, 1_600, 'unposted'],
      ['debit_adjustments', 1, 2_000, 'unposted'],
      ['invoices', 5, 10_000 + 5_000 + 300 + 900 + 2_000, 'unposted'],
    ]);

    const lines = await db('gl_posting_lines').where({ payment_id: payment.id }).orderBy('payment_application_id');
    const applications = await db('payment_applications').where({ payment_id: payment.id }).orderBy('id');
    expect(lines.map((line) => line.idempotency_key)).toEqual(applications.map((application) => `gl:${payment.id}:${application.id}`));
    expect(lines.map((line) => [line.line_type, line.category, line.document_type, line.document_id, line.applied_document_id, line.gl_account, line.amount_cents, line.erp_account_id, line.erp_job_id])).toEqual([
      ['invoice_payment', 'invoices', 'invoice', inv(book, 1), null, null, 10_000, book.erpAccountId, 'J-1'],
      ['invoice_payment', 'invoices', 'invoice', inv(book, 2), null, null, 5_000, book.erpAccountId, 'J-1'],
      ['debit_payment', 'debit_adjustments', 'debit', [...book.adjustmentIds.keys()][1], null, null, 2_000, book.erpAccountId, null],
      ['credit_application', 'credit_adjustments', 'credit_memo', [...book.adjustmentIds.keys()][0], inv(book, 2), null, 1_500, book.erpAccountId, 'J-1'],
      ['statement_discount', 'invoices', 'discount', `ST-${dealer.id.slice(0, 4)}-1`, null, '4900', 300, book.erpAccountId, null],
    ]);
    const fallback = await db('gl_posting_lines').where({ payment_id: other.id, line_type: 'credit_application' }).first();
    expect(fallback.applied_document_id).toBe(inv(book, 4));
  });

  it('lets a frozen payment leave its batch until a category is posted', async () => {
    const dealer = await createSettlementDealer(db, null);
    const operator = await createSettlementOperator(db, dealer.id);
    const book = await bookFor(dealer);
    const settledAt = new Date('2026-11-03T15:00:00Z');
    const staying = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 1), amountCents: 5_000 }], { settledAt });
    const leaving = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 2), amountCents: 7_000 }, { kind: 'debit', number: [...book.adjustmentIds.keys()][1]!, amountCents: 2_000 }], { settledAt, processingCostCents: 90 });
    const { settlementId } = await activities.addToSettlement({ paymentId: staying.id });
    await activities.addToSettlement({ paymentId: leaving.id });
    await waitForStatus(settlementId, 'ready');
    expect(await settlement(settlementId)).toMatchObject({ payment_count: 2, gross_cents: 14_000, fee_cents: 90 });

    await activities.removeFromSettlement({ paymentId: leaving.id });
    expect(await settlement(settlementId)).toMatchObject({ payment_count: 1, gross_cents: 5_000, fee_cents: 0, net_cents: 5_000 });
    expect((await db('payments').where({ id: leaving.id }).first()).settlement_id).toBeNull();
    expect(await db('gl_posting_lines').where({ payment_id: leaving.id })).toEqual([]);
    expect((await db('settlement_categories').where({ settlement_id: settlementId, category: 'debit_adjustments' }).first()).status).toBe('empty');
    await activities.removeFromSettlement({ paymentId: leaving.id }); // nothing left to do

    await db.transaction((trx) => markCategoryPosted(trx, { settlementId, dealerId: dealer.id, category: 'invoices', postedAt: new Date(), operatorId: operator.id }));
    const refused = await activities.removeFromSettlement({ paymentId: staying.id }).catch((error) => error);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'SettlementRefusal', nonRetryable: true });
    expect(refused.message).toMatch(/can no longer leave/);
    expect((await db('payments').where({ id: staying.id }).first()).settlement_id).toBe(settlementId);
  });

  it('reverses a return on its own batch while nothing is posted, otherwise on the open batch of the day', async () => {
    const dealer = await createSettlementDealer(db, null);
    const operator = await createSettlementOperator(db, dealer.id);
    const book = await bookFor(dealer);
    const settledAt = new Date('2026-11-04T15:00:00Z');
    const early = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 1), amountCents: 3_000 }, { kind: 'discount', amountCents: 300 }], { settledAt });
    const late = await createSettledPayment(db, book, [{ kind: 'invoice', number: inv(book, 2), amountCents: 8_000 }], { settledAt });
    const { settlementId } = await activities.addToSettlement({ paymentId: early.id });
    await activities.addToSettlement({ paymentId: late.id });
    await waitForStatus(settlementId, 'ready');

    // Returned before anything was posted: the reversal nets out on the same batch.
    const sameBatch = await activities.queueReversal({ paymentId: early.id });
    expect(sameBatch.settlementId).toBe(settlementId);
    const reversals = await db('gl_posting_lines').where({ payment_id: early.id, line_type: 'reversal' }).orderBy('amount_cents');
    const originals = await db('gl_posting_lines').where({ payment_id: early.id }).whereNot({ line_type: 'reversal' }).orderBy('amount_cents', 'desc');
    expect(reversals.map((line) => [line.amount_cents, line.document_type, line.category, line.reverses_line_id, line.idempotency_key])).toEqual(
      originals.map((line) => [-line.amount_cents, 'reversal', line.category, line.id, `gl:reversal:${early.id}:${line.payment_application_id}`]),
    );
    expect(await settlement(settlementId)).toMatchObject({ gross_cents: 2_700 + 8_000, net_cents: 8_000 });
    expect((await activities.queueReversal({ paymentId: early.id })).settlementId).toBe(settlementId);
    expect(await db('gl_posting_lines').where({ payment_id: early.id, line_type: 'reversal' })).toHaveLength(2);

    // Returned after its batch was posted: the reversal waits on today's open batch.
    for (const category of ['invoices'] as const) {
      await db.transaction((trx) => markCategoryPosted(trx, { settlementId, dealerId: dealer.id, category, postedAt: new Date(), operatorId: operator.id }));
    }
    expect((await settlement(settlementId)).status).toBe('posted');
    const elsewhere = await activities.queueReversal({ paymentId: late.id });
    expect(elsewhere.settlementId).not.toBe(settlementId);
    const handling = await settlement(elsewhere.settlementId!);
    expect(handling).toMatchObject({ status: 'open', business_date: settlementBusinessDate(new Date(), ZONE, '17:00'), payment_count: 0, gross_cents: 0, net_cents: -8_000 });
    const line = await db('gl_posting_lines').where({ settlement_id: handling.id }).first();
    expect(line).toMatchObject({ payment_id: late.id, line_type: 'reversal', amount_cents: -8_000, category: 'invoices' });
    expect((await db('settlement_categories').where({ settlement_id: handling.id, category: 'invoices' }).first())).toMatchObject({ line_count: 1, amount_cents: -8_000, status: 'unposted' });
  });
});

import { randomUUID } from 'node:crypto';
import { createSettlementActivities } from '../activities/settlements';
import { recordShortPay } from '../db/short-pays';
import type { Db } from '../db/connection';
import { startSpruceEmulator, type GlPosting, type SpruceEmulator } from '../emulators/spruce';
import { logger } from '../runtime/logger';
import { createWorker, type RunningWorker } from '../worker/create-worker';
import type { glPostingWorkflow } from '../workflows/gl-posting';
import { startGlPosting } from '../workflows/gl-posting-client';
import { glPostingProgressQuery, glPostingWorkflowId } from '../workflows/settlement-definitions';
import { testConfig } from './support/config';
import { testDb } from './support/db';
import { eventually } from './support/eventually';
import { createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer, type PaymentPart, type SettlementDealer } from './support/settlements';
import { requiredEnv, startTestWorker } from './support/temporal';

/**
 * Auto-post to the Spruce emulator through the operator API and the gl-posting workflow:
 * what Spruce's ledger holds afterwards must equal the settlement line for line, however the
 * posting was interrupted.
 */
describe('GL auto-post', () => {
  let db: Db;
  let spruce: SpruceEmulator;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let api: TestApp;

  beforeAll(async () => {
    db = testDb();
    spruce = await startSpruceEmulator({ port: 0 });
    worker = await startTestWorker({ db, logger, config: testConfig() });
    api = await startOperatorApp(db, { TASK_QUEUE: worker.taskQueue });
  });
  afterAll(async () => {
    await api.close();
    await worker.stop();
    await spruce.stop();
    await db.destroy();
  });
  afterEach(async () => {
    await spruce.setFaults({ outage: 'none', delayMs: 0 });
  });

  interface Scenario {
    dealer: SettlementDealer;
    operator: SignedIn;
    operatorId: string;
    settlementId: string;
    payments: Array<{ id: string; number: string }>;
    book: Awaited<ReturnType<typeof createCustomerBook>>;
  }

  /**
   * A closed settlement: `payments` lists each payment's applications by document index.
   * They settle now, so they share today's open batch, which the operator then closes early.
   */
  async function closedSettlement(options: { invoices: number; payments: (docs: { inv: (n: number) => string; credit: string; debit: string }) => PaymentPart[][]; taskQueue?: string; client?: typeof worker.client }): Promise<Scenario> {
    const dealer = await createSettlementDealer(db, spruce);
    const user = await createOperator(db, dealer.id);
    const operator = await signIn(api.app, user.email);
    const tag = dealer.id.slice(0, 6);
    const book = await createCustomerBook(db, spruce, dealer, {
      invoices: Array.from({ length: options.invoices }, (_, index) => ({ number: `INV-${tag}-${index + 1}`, amountCents: 50_000, job: 'J-7' })),
      credits: [{ number: `CM-${tag}`, amountCents: 5_000 }],
      debits: [{ number: `DB-${tag}`, amountCents: 4_000 }],
      statement: { number: `ST-${tag}`, discountCents: 1_000 },
    });
    const docs = { inv: (n: number) => `INV-${tag}-${n}`, credit: `CM-${tag}`, debit: `DB-${tag}` };
    const activities = createSettlementActivities({
      db, logger, config: api.config, temporal: options.client ?? worker.client, taskQueue: options.taskQueue ?? worker.taskQueue,
    });
    const payments: Array<{ id: string; number: string }> = [];
    let settlementId = '';
    for (const parts of options.payments(docs)) {
      const payment = await createSettledPayment(db, book, parts, { settledAt: new Date(), processingCostCents: 25 });
      payments.push(payment);
      const joined = (await activities.addToSettlement({ paymentId: payment.id })).settlementId;
      if (settlementId) expect(joined).toBe(settlementId);
      settlementId = joined;
    }
    const closed = await operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    expect(closed.body).toMatchObject({ status: 'ready', payment_count: payments.length });
    return { dealer, operator, operatorId: user.id, settlementId, payments, book };
  }

  const ledger = (dealer: SettlementDealer): GlPosting[] => spruce.store.tenant(dealer.tenantId).ledger;
  const lines = (settlementId: string) => db('gl_posting_lines').where({ settlement_id: settlementId }).orderBy('idempotency_key');

  /** Spruce's ledger holds every line of the settlement exactly once, with the same amounts. */
  async function expectLedgerEqualsSettlement(scenario: Scenario) {
    const ours = await lines(scenario.settlementId);
    const theirs = ledger(scenario.dealer).filter((posting) => ours.some((line) => line.idempotency_key === posting.idempotency_key));
    const keys = theirs.map((posting) => posting.idempotency_key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(ours.map((line) => line.idempotency_key).sort());
    for (const line of ours) {
      const posting = theirs.find((candidate) => candidate.idempotency_key === line.idempotency_key)!;
      expect(line.status).toBe('posted');
      expect(line.erp_posting_id).toBe(posting.id);
      expect(posting.amount_cents).toBe(Math.abs(line.amount_cents));
      expect(posting.type).toBe(line.line_type);
      expect(posting.account_id).toBe(line.erp_account_id);
      if (line.line_type !== 'reversal') expect(posting.document_id).toBe(line.document_id);
      expect(posting.applied_document_id).toBe(line.applied_document_id);
    }
  }

  const autoPost = (scenario: Scenario, body: Record<string, unknown> = {}) => scenario.operator.send('post', `/api/operator/settlements/${scenario.settlementId}/auto-post`, body);
  const finished = (scenario: Scenario) => worker.client.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(scenario.settlementId)).result();

  it('posts invoices, then credits, then debits, sets the timestamps, and a second click changes nothing', async () => {
    const scenario = await closedSettlement({
      invoices: 4,
      payments: ({ inv, credit, debit }) => [
        [{ kind: 'invoice', number: inv(1), amountCents: 10_000 }, { kind: 'invoice', number: inv(2), amountCents: 5_000 }, { kind: 'credit', number: credit, amountCents: 1_500, appliedTo: inv(2) }, { kind: 'discount', amountCents: 300 }],
        [{ kind: 'invoice', number: inv(3), amountCents: 20_000 }, { kind: 'debit', number: debit, amountCents: 2_000 }],
        [{ kind: 'invoice', number: inv(4), amountCents: 7_000 }],
      ],
    });
    const [first, second] = await Promise.all([autoPost(scenario), autoPost(scenario)]);
    expect(first.status).toBe(202);
    expect([200, 202]).toContain(second.status);
    expect([first.body.started, second.body.started].filter(Boolean)).toHaveLength(1);
    const result = await finished(scenario);
    expect(result).toMatchObject({ step: 'done', waitingForSpruce: false });

    await expectLedgerEqualsSettlement(scenario);
    // Spruce received every invoice line (and the discount) before any credit, and credits before debits.
    const postedOrder = ledger(scenario.dealer).map((posting) => rank(posting.type));
    expect(postedOrder).toEqual([0, 0, 0, 0, 0, 1, 2]);
    // The credit memo is applied to its invoice in Spruce, so nobody re-keys it.
    const creditPosting = ledger(scenario.dealer).find((posting) => posting.type === 'credit_application')!;
    expect(creditPosting.applied_document_id).toBe(`INV-${scenario.dealer.id.slice(0, 6)}-2`);
    const tenant = spruce.store.tenant(scenario.dealer.tenantId);
    expect(tenant.objects.invoice.get(`INV-${scenario.dealer.id.slice(0, 6)}-3`)).toMatchObject({ balance_cents: 30_000, status: 'partially_paid' });

    const categories = await db('settlement_categories').where({ settlement_id: scenario.settlementId }).orderBy('category');
    for (const category of categories) {
      expect(category).toMatchObject({ status: 'posted', post_method: 'auto', posted_by: scenario.operatorId });
      expect(category.posted_at).toBeInstanceOf(Date);
    }
    expect((await db('settlements').where({ id: scenario.settlementId }).first()).status).toBe('posted');

    const progress = await scenario.operator.get(`/api/operator/settlements/${scenario.settlementId}/posting-progress`).expect(200);
    expect(progress.body).toMatchObject({ state: 'completed', percent: 100, waiting_for_spruce: false, totals: { total: 7, posted: 7, rejected: 0, pending: 0 } });
    const live = await worker.client.workflow.getHandle(glPostingWorkflowId(scenario.settlementId)).query(glPostingProgressQuery);
    expect(live.categories.map((row) => [row.category, row.posted, row.total])).toEqual([['invoices', 5, 5], ['credit_adjustments', 1, 1], ['debit_adjustments', 1, 1]]);

    // Clicking again after the run: nothing is left to post and Spruce sees nothing new.
    const again = await autoPost(scenario).expect(200);
    expect(again.body).toMatchObject({ started: false, reason: 'nothing_to_post' });
    expect(ledger(scenario.dealer)).toHaveLength(7);
    const actions = (await db('audit_events').where({ entity_id: scenario.settlementId }).select('action')).map((row) => row.action);
    expect(actions.filter((action) => action === 'settlement.category_posted')).toHaveLength(3);
    expect(actions).toContain('settlement.auto_post_started');
  });

  it('posts an invoice\'s terms discount as its own line to the dealer\'s discount account, and Spruce counts it taken', async () => {
    const dealer = await createSettlementDealer(db, spruce);
    const operator = await signIn(api.app, (await createOperator(db, dealer.id)).email);
    const tag = dealer.id.slice(0, 6);
    const book = await createCustomerBook(db, spruce, dealer, { invoices: [{ number: `INV-${tag}-T`, amountCents: 125_000, job: 'J-9', terms: { discountCents: 2_500, discountDate: '2026-12-10' } }] });
    const activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: `INV-${tag}-T`, amountCents: 125_000 }, { kind: 'terms_discount', number: `INV-${tag}-T`, amountCents: 2_500 }]);
    expect(payment.amountCents).toBe(122_500);
    const { settlementId } = await activities.addToSettlement({ paymentId: payment.id });
    await operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    await operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(202);
    await worker.client.workflow.getHandle<typeof glPostingWorkflow>(glPostingWorkflowId(settlementId)).result();
    await expectLedgerEqualsSettlement({ dealer, operator, operatorId: '', settlementId, payments: [payment], book });

    // Lines post in parallel lanes, so the ledger's order between them is not fixed.
    const postings = ledger(dealer).filter((posting) => posting.payment_reference === payment.number).sort((a, b) => a.type.localeCompare(b.type));
    expect(postings.map((posting) => [posting.type, posting.document_id, posting.amount_cents, posting.gl_account ?? null, posting.job_id ?? null])).toEqual([
      ['invoice_payment', `INV-${tag}-T`, 125_000, null, 'J-9'],
      ['terms_discount', `INV-${tag}-T`, 2_500, '4900', 'J-9'],
    ]);
    expect(spruce.store.tenant(dealer.tenantId).objects.invoice.get(`INV-${tag}-T`)).toMatchObject({ balance_cents: 0, discount_taken_cents: 2_500 });
  });

  it('tells Spruce why an invoice was short-paid, in that line\'s memo only', async () => {
    const scenario = await closedSettlement({
      invoices: 2,
      payments: ({ inv }) => [[{ kind: 'invoice', number: inv(1), amountCents: 38_000 }, { kind: 'invoice', number: inv(2), amountCents: 50_000 }]],
    });
    const [payment] = scenario.payments;
    const shortPaid = await db('payment_applications').where({ payment_id: payment!.id, invoice_id: scenario.book.invoiceIds.get(`INV-${scenario.dealer.id.slice(0, 6)}-1`) }).first('id', 'invoice_id');
    await db.transaction((trx) => recordShortPay(trx, {
      dealerId: scenario.dealer.id, customerAccountId: scenario.book.accountId, paymentId: payment!.id, applicationId: Number(shortPaid.id),
      itemType: 'invoice', itemId: shortPaid.invoice_id, paidCents: 38_000, openBeforeCents: 50_000, reason: 'short_shipped', note: 'Two bundles of 2x6 never arrived',
    }));
    await autoPost(scenario).expect(202);
    await finished(scenario);
    await expectLedgerEqualsSettlement(scenario);
    const memoOf = (n: number) => ledger(scenario.dealer).find((posting) => posting.document_id === `INV-${scenario.dealer.id.slice(0, 6)}-${n}`)!.memo;
    expect(memoOf(1)).toMatch(new RegExp(`^Drypowder settlement .+, payment ${payment!.number}; short-paid: Short-shipped \\(Two bundles of 2x6 never arrived\\)$`));
    expect(memoOf(2)).not.toContain('short-paid');
  });

  it('records a line Spruce refuses with its reason, posts the others, and retries it once fixed', async () => {
    const scenario = await closedSettlement({
      invoices: 3,
      payments: ({ inv, debit }) => [
        [{ kind: 'invoice', number: inv(1), amountCents: 10_000 }],
        [{ kind: 'invoice', number: inv(2), amountCents: 12_000 }, { kind: 'debit', number: debit, amountCents: 2_000 }],
        [{ kind: 'invoice', number: inv(3), amountCents: 9_000 }],
      ],
    });
    const tag = scenario.dealer.id.slice(0, 6);
    // Paid in Spruce by other means meanwhile: the invoice is no longer open.
    spruce.store.patch(scenario.dealer.tenantId, 'invoice', `INV-${tag}-2`, { status: 'paid', balance_cents: 0 });
    await autoPost(scenario).expect(202);
    const result = await finished(scenario);
    expect(result.categories.find((row) => row.category === 'invoices')).toMatchObject({ total: 3, posted: 2, rejected: 1, pending: 0 });

    const refused = await db('gl_posting_lines').where({ settlement_id: scenario.settlementId, status: 'rejected' });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ document_id: `INV-${tag}-2`, erp_posting_id: null });
    expect(refused[0].rejected_reason).toMatch(/INV-.*-2 is paid/);
    expect(ledger(scenario.dealer).map((posting) => posting.document_id).sort()).toEqual([`DB-${tag}`, `INV-${tag}-1`, `INV-${tag}-3`]);
    const categories = Object.fromEntries((await db('settlement_categories').where({ settlement_id: scenario.settlementId })).map((row) => [row.category, row.status]));
    expect(categories).toEqual({ invoices: 'unposted', credit_adjustments: 'empty', debit_adjustments: 'posted' });
    expect((await db('settlements').where({ id: scenario.settlementId }).first()).status).toBe('partially_posted');
    const progress = await scenario.operator.get(`/api/operator/settlements/${scenario.settlementId}/posting-progress`).expect(200);
    expect(progress.body.state).toBe('completed_with_rejections');
    expect(progress.body.rejected_lines[0]).toMatchObject({ document_id: `INV-${tag}-2`, payment_number: scenario.payments[1]!.number });

    // The operator reopens the invoice in Spruce and retries: only that line is sent again.
    spruce.store.patch(scenario.dealer.tenantId, 'invoice', `INV-${tag}-2`, { status: 'open', balance_cents: 50_000 });
    await autoPost(scenario, { retryRejected: true }).expect(202);
    await eventually(async () => expect((await db('settlements').where({ id: scenario.settlementId }).first()).status).toBe('posted'));
    const retried = await db('gl_posting_lines').where({ id: refused[0].id }).first();
    expect(retried).toMatchObject({ status: 'posted', rejected_reason: null, idempotency_key: `${refused[0].idempotency_key}:retry-1` });
    expect(ledger(scenario.dealer)).toHaveLength(4);
    await expectLedgerEqualsSettlement(scenario);
  });

  it('waits for Spruce during an outage and finishes by itself when it is back', async () => {
    const scenario = await closedSettlement({
      invoices: 200,
      payments: ({ inv }) => Array.from({ length: 40 }, (_, p) => Array.from({ length: 5 }, (_, i) => ({ kind: 'invoice' as const, number: inv(p * 5 + i + 1), amountCents: 1_000 + i }))),
    });
    // Slow requests, so the outage starts while later batches are still to send.
    await spruce.setFaults({ delayMs: 150 });
    const started = await startGlPosting(worker.client, worker.taskQueue, { settlementId: scenario.settlementId, startedBy: scenario.operatorId, batchSize: 50, lanes: 2, maxRetryDelayMs: 1_000 });
    await eventually(async () => expect(ledger(scenario.dealer).length).toBeGreaterThan(0), 30_000, 20);
    await spruce.setFaults({ outage: 'unavailable' });

    await eventually(async () => {
      const progress = await scenario.operator.get(`/api/operator/settlements/${scenario.settlementId}/posting-progress`).expect(200);
      expect(progress.body).toMatchObject({ state: 'waiting_for_spruce', waiting_for_spruce: true });
      expect(progress.body.message).toMatch(/Waiting for Spruce/);
      expect(progress.body.totals.pending).toBeGreaterThan(0);
    });
    await eventually(async () => expect(await started.query(glPostingProgressQuery)).toMatchObject({ waitingForSpruce: true }));
    const during = ledger(scenario.dealer).length;
    expect(during).toBeLessThan(200);

    await spruce.setFaults({ outage: 'none', delayMs: 0 });
    const result = await started.result();
    expect(result).toMatchObject({ step: 'done', waitingForSpruce: false });
    expect(result.attempts).toBeGreaterThan(0);
    expect(ledger(scenario.dealer)).toHaveLength(200);
    await expectLedgerEqualsSettlement(scenario);
    const progress = await scenario.operator.get(`/api/operator/settlements/${scenario.settlementId}/posting-progress`).expect(200);
    expect(progress.body).toMatchObject({ state: 'completed', waiting_for_spruce: false });
  });

  it('survives its worker stopping mid-post: the new worker finishes and no line reaches Spruce twice', async () => {
    const taskQueue = `crash-${randomUUID()}`;
    const address = requiredEnv('TEMPORAL_ADDRESS');
    const startWorker = async (): Promise<{ running: Promise<void>; handle: RunningWorker }> => {
      const handle = await createWorker({ address, namespace: 'default', taskQueue, deps: { db, logger, config: api.config }, workflowBundlePath: requiredEnv('WORKFLOW_BUNDLE_PATH') });
      return { running: handle.worker.run(), handle };
    };
    let current = await startWorker();
    const scenario = await closedSettlement({
      invoices: 300,
      taskQueue,
      payments: ({ inv }) => Array.from({ length: 100 }, (_, p) => Array.from({ length: 3 }, (_, i) => ({ kind: 'invoice' as const, number: inv(p * 3 + i + 1), amountCents: 2_000 + p }))),
    });
    await spruce.setFaults({ delayMs: 150 });
    const started = await startGlPosting(worker.client, taskQueue, { settlementId: scenario.settlementId, startedBy: scenario.operatorId, batchSize: 100, lanes: 3, maxRetryDelayMs: 1_000 });
    await eventually(async () => {
      const posted = await db('gl_posting_lines').where({ settlement_id: scenario.settlementId, status: 'posted' }).count<Array<{ count: number }>>('* as count');
      expect(Number(posted[0]!.count)).toBeGreaterThan(0);
    }, 30_000, 20);

    // The worker stops mid-run.
    current.handle.worker.shutdown();
    await current.running;
    await current.handle.close();
    const postedBefore = ledger(scenario.dealer).length;
    expect(postedBefore).toBeLessThan(300);
    // Make it the worst case: Spruce took some lines whose answers were never recorded.
    const lost = await db('gl_posting_lines').where({ settlement_id: scenario.settlementId, status: 'posted' }).limit(20).select('id');
    await db('gl_posting_lines').whereIn('id', lost.map((row) => row.id)).update({ status: 'pending', erp_posting_id: null, posted_at: null });

    await spruce.setFaults({ delayMs: 0 });
    current = await startWorker();
    try {
      const result = await started.result();
      expect(result.step).toBe('done');
    } finally {
      current.handle.worker.shutdown();
      await current.running;
      await current.handle.close();
    }
    expect(ledger(scenario.dealer)).toHaveLength(300);
    await expectLedgerEqualsSettlement(scenario);
  });

  it('posts the reversal of a payment returned after posting on the batch that handles it', async () => {
    const scenario = await closedSettlement({
      invoices: 2,
      payments: ({ inv, credit }) => [
        [{ kind: 'invoice', number: inv(1), amountCents: 10_000 }, { kind: 'credit', number: credit, amountCents: 1_000, appliedTo: inv(1) }],
        [{ kind: 'invoice', number: inv(2), amountCents: 6_000 }],
      ],
    });
    await autoPost(scenario).expect(202);
    await finished(scenario);
    const tag = scenario.dealer.id.slice(0, 6);
    const tenant = spruce.store.tenant(scenario.dealer.tenantId);
    expect(tenant.objects.invoice.get(`INV-${tag}-1`)).toMatchObject({ balance_cents: 40_000 });

    const activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });
    await db('payments').where({ id: scenario.payments[0]!.id }).update({ status: 'returned', returned_at: new Date() });
    const { settlementId: handling } = await activities.queueReversal({ paymentId: scenario.payments[0]!.id });
    expect(handling).not.toBeNull();
    expect(handling).not.toBe(scenario.settlementId);
    await scenario.operator.send('post', `/api/operator/settlements/${handling}/close`).expect(200);
    await scenario.operator.send('post', `/api/operator/settlements/${handling}/auto-post`, {}).expect(202);
    await worker.client.workflow.getHandle(glPostingWorkflowId(handling!)).result();

    const reversals = await db('gl_posting_lines').where({ settlement_id: handling, line_type: 'reversal' });
    expect(reversals).toHaveLength(2);
    for (const line of reversals) {
      const original = await db('gl_posting_lines').where({ id: line.reverses_line_id }).first();
      const posting = tenant.ledger.find((candidate) => candidate.id === line.erp_posting_id)!;
      expect(line).toMatchObject({ status: 'posted', amount_cents: -original.amount_cents, document_type: 'reversal' });
      expect(posting).toMatchObject({ type: 'reversal', reverses_posting_id: original.erp_posting_id, amount_cents: original.amount_cents, payment_reference: scenario.payments[0]!.number });
    }
    // The invoice is owed again in Spruce, and the credit memo is open again.
    expect(tenant.objects.invoice.get(`INV-${tag}-1`)).toMatchObject({ balance_cents: 50_000, status: 'open' });
    expect(tenant.objects.adjustment.get(`CM-${tag}`)).toMatchObject({ balance_cents: 5_000 });
    expect((await db('settlements').where({ id: handling }).first()).status).toBe('posted');
  });

  it('holds a reversal whose original another auto-post is still sending (Spruce down) until it is answered, instead of refusing it', async () => {
    const scenario = await closedSettlement({ invoices: 1, payments: ({ inv }) => [[{ kind: 'invoice', number: inv(1), amountCents: 20_000 }]] });
    await spruce.setFaults({ outage: 'unavailable' });
    await autoPost(scenario).expect(202);
    await eventually(async () => expect((await scenario.operator.get(`/api/operator/settlements/${scenario.settlementId}/posting-progress`).expect(200)).body.waiting_for_spruce).toBe(true));

    // The payment is returned while its batch is posting: the reversal goes to the next batch, which is posted at once.
    const activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });
    await db('payments').where({ id: scenario.payments[0]!.id }).update({ status: 'returned', returned_at: new Date() });
    const { settlementId: handling } = await activities.queueReversal({ paymentId: scenario.payments[0]!.id });
    expect(handling).not.toBe(scenario.settlementId);
    await scenario.operator.send('post', `/api/operator/settlements/${handling}/close`).expect(200);
    await scenario.operator.send('post', `/api/operator/settlements/${handling}/auto-post`, {}).expect(202);
    await eventually(async () => expect((await scenario.operator.get(`/api/operator/settlements/${handling}/posting-progress`).expect(200)).body.last_error).toMatch(/wait for their originals/));
    expect((await db('gl_posting_lines').where({ settlement_id: handling }).first()).status).toBe('pending');

    await spruce.setFaults({ outage: 'none' });
    await finished(scenario);
    await worker.client.workflow.getHandle(glPostingWorkflowId(handling!)).result();
    const original = await db('gl_posting_lines').where({ settlement_id: scenario.settlementId }).first();
    const reversal = await db('gl_posting_lines').where({ settlement_id: handling }).first();
    expect(original.status).toBe('posted');
    expect(reversal).toMatchObject({ status: 'posted', reverses_line_id: original.id, rejected_reason: null });
    const posting = ledger(scenario.dealer).find((candidate) => candidate.id === reversal.erp_posting_id)!;
    expect(posting).toMatchObject({ type: 'reversal', reverses_posting_id: original.erp_posting_id, amount_cents: 20_000 });
  });
});

function rank(type: string): number {
  return ['invoice_payment', 'statement_discount'].includes(type) ? 0 : type === 'credit_application' ? 1 : 2;
}

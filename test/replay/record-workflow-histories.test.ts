import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureSpruceSync } from '../../workflows/spruce-sync-client';
import { startWebhookDelivery } from '../../workflows/webhook-delivery-client';
import { ensureReminders, requestRemindersRun } from '../../workflows/reminders-client';
import { recordSyncError } from '../../db/sync-state';
import { createSettlementActivities } from '../../activities/settlements';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import { listen, type RunningServer } from '../../emulators/http';
import { startSpruceEmulator, type SpruceEmulator } from '../../emulators/spruce';
import { logger } from '../../runtime/logger';
import { generateBook } from '../../scripts/demo/book';
import { glPostingWorkflowId } from '../../workflows/settlement-definitions';
import { spruceSyncWorkflowId } from '../../workflows/spruce-sync-definitions';
import { testConfig } from '../support/config';
import { testDb } from '../support/db';
import { eventually } from '../support/eventually';
import { createOperator, signIn, startOperatorApp, type TestApp } from '../support/operator';
import { linkCard, payingCustomer, paymentStatus, startPaymentStack, submitBankPayment, type PaymentStack } from '../support/payment-stack';
import { createInvoice, CUSTOMER_PASSWORD, signInCustomer } from '../support/portal';
import { hashPassword } from '../../api/auth/passwords';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from '../support/settlements';
import { startTestWorker } from '../support/temporal';
import { WebhookReceiver } from '../support/webhook-receiver';
import { HISTORIES, historyFileName, type ReplayedWorkflow } from './histories';
import { CURRENT_ACH_AUTHORIZATION_VERSION, CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION } from '../../domain/ach-authorization';
import { addDays, localDate } from '../../domain/dates';
import { cancelScheduledPayment } from '../../db/scheduled-payments';
import { scheduledPaymentWorkflowId } from '../../workflows/scheduled-payment-definitions';
import { signalScheduleCanceled } from '../../workflows/scheduled-payment-client';
import { autopayWorkflowId } from '../../workflows/autopay-definitions';
import { signalAutopayChanged } from '../../workflows/autopay-client';
import { changeEnrolmentStatus } from '../../db/autopay';
import { paymentApprovalWorkflowId } from '../../workflows/payment-approval-definitions';

/**
 * Records replay fixtures (test/replay/histories/<workflow>/) from real runs: the same
 * PostgreSQL, dev server, emulators and activities the rest of the suite uses, nothing mocked.
 * Not part of a normal run; scripts/record-workflow-histories.ts runs it with
 * RECORD_WORKFLOW_HISTORIES=1, RECORD_LABEL (the prefix of every file written, by default the
 * commit) and, to record what an older version of the code wrote, RECORD_WORKFLOWS_PATH
 * pointing at that version's workflows/index.ts. RECORD_ONLY limits it to some workflows.
 */
const enabled = process.env.RECORD_WORKFLOW_HISTORIES === '1';
const only = (process.env.RECORD_ONLY ?? '').split(',').filter(Boolean);
const recordOf = (workflow: string) => (enabled && (only.length === 0 || only.includes(workflow)) ? describe : describe.skip);
const label = process.env.RECORD_LABEL || 'recorded';

jest.setTimeout(180_000);

beforeAll(async () => {
  if (!enabled || !process.env.RECORD_WORKFLOWS_PATH) return;
  const bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(process.env.RECORD_WORKFLOWS_PATH), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never });
  const bundlePath = path.resolve('.tmp', `record-bundle-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
});

/** Writes the whole history of a workflow execution as binary protobuf (see histories.ts). */
async function save(client: Client, workflow: ReplayedWorkflow, scenario: string, workflowId: string, runId?: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const dir = path.join(HISTORIES, workflow);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, historyFileName(label, scenario));
  writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${history.events?.length ?? 0} events)\n`);
}

const completed = (client: Client, workflowId: string) =>
  eventually(async () => expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED'), 60_000, 200);

recordOf('payment')('record payment workflow histories', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ businessDayMs: 1000, reconcilePollMs: 500 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const waitForStatus = (paymentId: string, status: string) => eventually(async () => expect(await paymentStatus(stack.db, paymentId)).toBe(status), 60_000);
  const submitCard = async (amountCents: number) => {
    const customer = await payingCustomer(stack);
    const cardId = await linkCard(stack, customer);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents, dueDate: '2026-12-15' });
    const response = await customer.session.agent.post('/api/portal/payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: cardId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }] })
      .expect(201);
    return response.body.payment.id as string;
  };
  const saved = (scenario: string, paymentId: string) => save(stack.temporal, 'payment', scenario, `payment-${paymentId}`);

  it('records a card payment that settles and waits out its return window', async () => {
    const id = await submitCard(125_00);
    await waitForStatus(id, 'settled');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await saved('card-settled', id);
  });

  it('records a card payment disputed and refunded', async () => {
    const id = await submitCard(310_00);
    await waitForStatus(id, 'settled');
    // The read model says settled a moment before the workflow's own state does.
    await eventually(async () => { await stack.operator.send('post', `/api/operator/payments/${id}/dispute`, { reason: 'Customer says goods not delivered' }).expect(200); }, 20_000, 300);
    await stack.operator.send('post', `/api/operator/payments/${id}/resolve-dispute`, { reason: 'Refund agreed', outcome: 'refunded' }).expect(200);
    await completed(stack.temporal, `payment-${id}`);
    await saved('card-disputed-refunded', id);
  });

  it('records a declined card', async () => {
    const id = await submitCard(94_02);
    await waitForStatus(id, 'failed');
    await completed(stack.temporal, `payment-${id}`);
    await saved('card-declined', id);
  });

  it('records an ACH payment frozen, released, frozen again and terminated', async () => {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 93_00);
    await eventually(async () => expect((await stack.db('payments').where({ id }).first()).moov_transfer_id).toBeTruthy());
    await stack.operator.send('post', `/api/operator/payments/${id}/freeze`, { reason: 'Checking remittance' }).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${id}/release`, {}).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${id}/freeze`, { reason: 'Duplicate' }).expect(200);
    await stack.operator.send('post', `/api/operator/payments/${id}/terminate`, { reason: 'Customer asked to cancel' }).expect(200);
    await completed(stack.temporal, `payment-${id}`);
    await saved('ach-frozen-terminated', id);
  });

  it('records an ACH payment that settles and is then returned', async () => {
    const customer = await payingCustomer(stack);
    const id = await submitBankPayment(stack, customer, 245_00);
    await waitForStatus(id, 'settled');
    const transferId = (await stack.db('payments').where({ id }).first()).moov_transfer_id;
    await stack.emulators.moov.admin.returnTransfer(transferId, 'R02');
    await waitForStatus(id, 'returned');
    await completed(stack.temporal, `payment-${id}`);
    await saved('ach-returned', id);
  });
});

/**
 * One settlement from open to resolved, posted by the GL-posting workflow against the Spruce
 * emulator: both workflows' histories come from the same run.
 */
recordOf('settlement')('record settlement and GL-posting workflow histories', () => {
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
    await api?.close();
    await worker?.stop();
    await spruce?.stop();
    await db?.destroy();
  });

  it('records a settlement closed early, auto-posted in three categories and resolved', async () => {
    const dealer = await createSettlementDealer(db, spruce);
    const user = await createOperator(db, dealer.id);
    const operator = await signIn(api.app, user.email);
    const tag = dealer.id.slice(0, 6);
    const inv = (n: number) => `INV-${tag}-${n}`;
    const book = await createCustomerBook(db, spruce, dealer, {
      invoices: [1, 2, 3].map((n) => ({ number: inv(n), amountCents: 50_000, job: 'J-7' })),
      credits: [{ number: `CM-${tag}`, amountCents: 5_000 }],
      debits: [{ number: `DB-${tag}`, amountCents: 4_000 }],
      statement: { number: `ST-${tag}`, discountCents: 1_000 },
    });
    const activities = createSettlementActivities({ db, logger, config: api.config, temporal: worker.client, taskQueue: worker.taskQueue });
    let settlementId = '';
    for (const parts of [
      [{ kind: 'invoice' as const, number: inv(1), amountCents: 10_000 }, { kind: 'credit' as const, number: `CM-${tag}`, amountCents: 1_500, appliedTo: inv(1) }, { kind: 'discount' as const, amountCents: 300 }],
      [{ kind: 'invoice' as const, number: inv(2), amountCents: 20_000 }, { kind: 'debit' as const, number: `DB-${tag}`, amountCents: 2_000 }],
      [{ kind: 'invoice' as const, number: inv(3), amountCents: 7_000 }],
    ]) {
      const payment = await createSettledPayment(db, book, parts, { settledAt: new Date(), processingCostCents: 25 });
      settlementId = (await activities.addToSettlement({ paymentId: payment.id })).settlementId;
    }
    await operator.send('post', `/api/operator/settlements/${settlementId}/close`).expect(200);
    await operator.send('post', `/api/operator/settlements/${settlementId}/auto-post`, {}).expect(202);
    const posting = await worker.client.workflow.getHandle(glPostingWorkflowId(settlementId)).result();
    expect(posting).toMatchObject({ step: 'done' });
    const settlementWorkflowId = (await db('settlements').where({ id: settlementId }).first()).workflow_id as string;
    await eventually(async () => expect((await db('settlements').where({ id: settlementId }).first()).status).toBe('posted'));
    await operator.send('post', `/api/operator/settlements/${settlementId}/resolve`, {}).expect(200);
    await completed(worker.client, settlementWorkflowId);
    await save(worker.client, 'gl-posting', 'three-categories', glPostingWorkflowId(settlementId));
    await save(worker.client, 'settlement', 'closed-early-auto-posted', settlementWorkflowId);
  });
});

/**
 * A Spruce dealer's sync: loads a book from the change feed, applies a pushed change, and ends
 * when the dealer leaves the Spruce integration.
 */
recordOf('spruce-sync')('record Spruce-sync workflow histories', () => {
  let db: Db;
  let emulator: SpruceEmulator;
  let server: RunningServer;
  let client: Client;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  beforeAll(async () => {
    db = testDb();
    emulator = await startSpruceEmulator({ port: 0, webhooks: { initialBackoffMs: 50, maxBackoffMs: 500 } });
    const taskQueue = `record-sync-${randomUUID()}`;
    const config = testConfig({ TASK_QUEUE: taskQueue, SPRUCE_SYNC_POLL_MS: '400', SPRUCE_SYNC_RETRY_MAX_MS: '1000' });
    worker = await startTestWorker({ db, logger, config }, { taskQueue });
    client = worker.client;
    server = await listen(createApp({ db, temporal: client, config }), 0);
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await emulator?.stop();
    await db?.destroy();
  });

  it('records a sync that catches up, applies a pushed change and ends with the integration', async () => {
    const suffix = randomUUID().slice(0, 8);
    const tenant = { id: `t-${suffix}`, apiKey: `key-${randomUUID()}`, secret: `whsec-${randomUUID()}` };
    emulator.store.createTenant({ id: tenant.id, name: `Tenant ${suffix}`, apiKey: tenant.apiKey });
    const [dealer] = await db('dealers').insert({
      name: `Sync Lumber ${suffix}`, slug: `sync-${suffix}`, integration_mode: 'spruce', time_zone: 'America/Chicago',
      spruce_base_url: emulator.url, spruce_tenant_id: tenant.id, spruce_api_key: tenant.apiKey, spruce_webhook_secret: tenant.secret,
    }).returning('id');
    const admin = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${emulator.url}${route}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(response.status).toBeLessThan(300);
    };
    const caughtUp = () => eventually(async () => expect((await db('sync_state').where({ dealer_id: dealer.id }).first())?.cursor).toBe(emulator.store.tenant(tenant.id).seq), 60_000, 100);
    const book = generateBook({ seed: 7, today: '2026-11-16', accounts: 3, invoicesPerAccount: 3 });
    await admin('POST', `/admin/tenants/${tenant.id}/book`, book);
    await ensureSpruceSync(client, worker.taskQueue, dealer.id);
    await caughtUp();
    await admin('PUT', `/admin/tenants/${tenant.id}/webhook`, { url: `${server.url}/webhooks/spruce`, secret: tenant.secret });
    const target = book.invoices.find((invoice) => invoice.status === 'open')!;
    await admin('PATCH', `/admin/tenants/${tenant.id}/invoices/${target.id}`, { balance_cents: target.amount_cents - 1234, status: 'partially_paid' });
    await caughtUp();
    await db('dealers').where({ id: dealer.id }).update({ integration_mode: 'file' });
    await completed(client, spruceSyncWorkflowId(dealer.id));
    await save(client, 'spruce-sync', 'catch-up-push-leave', spruceSyncWorkflowId(dealer.id));
  });
});

/**
 * Webhook deliveries retry for up to 3 days: one that fails twice (connection refused, then a
 * 500) before its endpoint answers, and one that gives up and disables its endpoint.
 */
recordOf('webhook-delivery')('record webhook delivery workflow histories', () => {
  let db: Db;
  let client: Client;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let config: ReturnType<typeof testConfig>;
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    db = testDb();
    const taskQueue = `record-webhooks-${randomUUID()}`;
    config = testConfig({ TASK_QUEUE: taskQueue, WEBHOOK_RETRY_INITIAL_MS: '300', WEBHOOK_RETRY_MAX_INTERVAL_MS: '600', WEBHOOK_GIVE_UP_AFTER_MS: '2500' });
    worker = await startTestWorker({ db, logger, config }, { taskQueue });
    client = worker.client;
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await worker?.stop();
    await db?.destroy();
  });

  async function owedDelivery(url: string): Promise<{ id: string; resends: number }> {
    const dealer = await createSettlementDealer(db, null);
    const [endpoint] = await db('webhook_endpoints').insert({
      dealer_id: dealer.id, url, event_types: ['sync.failed'], secret_sealed: 'whsec_recording-only-secret', secret_hint: 'whsec_reco…',
    }).returning('id');
    await recordSyncError(db, dealer.id, 'Spruce answered 503');
    return db('webhook_deliveries').where({ endpoint_id: endpoint.id }).first('id', 'resends');
  }

  it('records a delivery retried until its endpoint answers', async () => {
    receiver.secret = 'whsec_recording-only-secret';
    const port = receiver.port;
    await receiver.stop();
    const delivery = await owedDelivery(`http://127.0.0.1:${port}/hooks`);
    const workflowId = await startWebhookDelivery(db, client, config, delivery);
    await eventually(async () => expect((await db('webhook_deliveries').where({ id: delivery.id }).first('attempts')).attempts).toBeGreaterThanOrEqual(1), 20_000);
    receiver.answer = 500;
    await receiver.start();
    await eventually(async () => expect((await db('webhook_deliveries').where({ id: delivery.id }).first('last_status_code')).last_status_code).toBe(500), 20_000);
    receiver.answer = 200;
    await completed(client, workflowId);
    await save(client, 'webhook-delivery', 'retried-then-delivered', workflowId);
  });

  it('records a delivery that gives up and disables its endpoint', async () => {
    const delivery = await owedDelivery('http://127.0.0.1:9/never-answers');
    const workflowId = await startWebhookDelivery(db, client, config, delivery);
    await completed(client, workflowId);
    expect(await db('webhook_deliveries').where({ id: delivery.id }).first('status')).toEqual({ status: 'failed' });
    await save(client, 'webhook-delivery', 'gave-up-disabled', workflowId);
  });
});

/** A dealer's reminders workflow: a requested run, then continue-as-new for the next day. */
recordOf('reminders')('record reminders workflow histories', () => {
  let db: Db;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  beforeAll(async () => {
    db = testDb();
    const taskQueue = `record-reminders-${randomUUID()}`;
    worker = await startTestWorker({ db, logger, config: testConfig({ TASK_QUEUE: taskQueue }) }, { taskQueue });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.destroy();
  });

  it('records a requested run that continues as new', async () => {
    const dealer = await createSettlementDealer(db, null);
    const handle = await ensureReminders(worker.client, worker.taskQueue, dealer.id);
    await requestRemindersRun(worker.client, worker.taskQueue, dealer.id);
    await eventually(async () => expect((await worker.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).status.name).toBe('CONTINUED_AS_NEW'), 60_000, 200);
    await save(worker.client, 'reminders', 'requested-run-continued', handle.workflowId, handle.firstExecutionRunId);
    await worker.client.workflow.getHandle(handle.workflowId).terminate('recorded');
  });
});

/** A scheduled payment: one that waits for its date and runs, one cancelled while waiting. */
recordOf('scheduled-payment')('record scheduled payment workflow histories', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ config: { CALENDAR_DAY_MS: '1500' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function scheduleOne(): Promise<string> {
    const customer = await payingCustomer(stack);
    const today = localDate(new Date(), 'America/Chicago');
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 21_000, dueDate: addDays(today, 20) });
    const created = await customer.session.agent.post('/api/portal/scheduled-payments').set('X-CSRF-Token', customer.session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION, scheduledFor: addDays(today, 2) })
      .expect(201);
    return created.body.id as string;
  }

  it('records a schedule that runs on its date', async () => {
    const id = await scheduleOne();
    expect(await stack.temporal.workflow.getHandle(scheduledPaymentWorkflowId(id)).result()).toBe('submitted');
    await save(stack.temporal, 'scheduled-payment', 'waited-then-submitted', scheduledPaymentWorkflowId(id));
  });

  it('records a schedule cancelled while it waits', async () => {
    const id = await scheduleOne();
    const customerId = (await stack.db('scheduled_payments').where({ id }).first('portal_user_id', 'dealer_id'));
    await cancelScheduledPayment(stack.db, id, { kind: 'customer', id: customerId.portal_user_id, dealerId: customerId.dealer_id });
    await signalScheduleCanceled(stack.temporal, id);
    expect(await stack.temporal.workflow.getHandle(scheduledPaymentWorkflowId(id)).result()).toBe('canceled');
    await save(stack.temporal, 'scheduled-payment', 'canceled-while-waiting', scheduledPaymentWorkflowId(id));
  });
});

/** Autopay: a cycle that notices then debits a statement, and one woken by a cancellation while it waits. */
recordOf('autopay')('record autopay workflow histories', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ config: { CALENDAR_DAY_MS: '1500' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function enrolOne(): Promise<string> {
    const customer = await payingCustomer(stack);
    const today = localDate(new Date(), 'America/Chicago');
    const [statement] = await stack.db('statements').insert({
      dealer_id: stack.dealerId, customer_account_id: customer.accountId, statement_number: `ST-R-${customer.accountId.slice(0, 8)}`, statement_date: today,
      balance_cents: 30_000, discount_cents: 600, discount_date: addDays(today, 2), due_date: addDays(today, 15),
    }).returning('id');
    await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 30_000, dueDate: addDays(today, 15), statementId: statement.id });
    const created = await customer.session.send('post', '/api/portal/autopay', {
      dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, rule: 'statement_discount_date', noticeDays: 1,
      accountHolderType: 'business', achAuthorizationVersion: CURRENT_RECURRING_ACH_AUTHORIZATION_VERSION,
    }).expect(201);
    return created.body.id as string;
  }
  const firstRunContinued = async (id: string) => {
    const handle = stack.temporal.workflow.getHandle(autopayWorkflowId(id));
    const first = (await handle.describe()).runId;
    return { first, wait: () => eventually(async () => expect((await stack.temporal.workflow.getHandle(autopayWorkflowId(id), first).describe()).status.name).toBe('CONTINUED_AS_NEW'), 60_000, 200) };
  };

  it('records a cycle that sends its notice and makes its debit', async () => {
    const id = await enrolOne();
    const { first, wait } = await firstRunContinued(id);
    await wait();
    expect(await stack.db('autopay_cycles').where({ enrolment_id: id }).first('state')).toEqual({ state: 'paid' });
    await save(stack.temporal, 'autopay', 'noticed-then-debited', autopayWorkflowId(id), first);
    await stack.temporal.workflow.getHandle(autopayWorkflowId(id)).terminate('recorded');
  });

  it('records a cycle woken by a cancellation while it waits, and the run that ends', async () => {
    const id = await enrolOne();
    const { first, wait } = await firstRunContinued(id);
    const row = (await stack.db('autopay_enrolments').where({ id }).first())!;
    await eventually(async () => expect(await stack.db('autopay_cycles').where({ enrolment_id: id }).first('id')).toBeDefined(), 20_000, 100);
    await changeEnrolmentStatus(stack.db, id, row.dealer_id, 'canceled', { kind: 'customer', id: row.portal_user_id });
    await signalAutopayChanged(stack.temporal, id);
    await wait();
    expect(await stack.temporal.workflow.getHandle(autopayWorkflowId(id)).result()).toBe('ended');
    await save(stack.temporal, 'autopay', 'canceled-while-waiting', autopayWorkflowId(id), first);
    await save(stack.temporal, 'autopay', 'ended-after-cancel', autopayWorkflowId(id));
  });
});

/** A payment held for an owner's approval: approved after a reminder, and one left to lapse. */
recordOf('payment-approval')('record payment approval workflow histories', () => {
  let stack: PaymentStack;
  beforeAll(async () => {
    stack = await startPaymentStack({ config: { APPROVAL_TIMEOUT_MS: '4000', APPROVAL_REMINDER_MS: '1500' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** An AP clerk's payment above the owner's threshold; the approval's id and the owner's session. */
  async function askForApproval(): Promise<{ id: string; owner: Awaited<ReturnType<typeof payingCustomer>> }> {
    const owner = await payingCustomer(stack);
    await owner.session.send('put', '/api/portal/team/approval-threshold', { approvalThresholdCents: 1_000 }).expect(200);
    const email = `ap-${randomUUID().slice(0, 8)}@contractor.test`;
    await stack.db('portal_users').insert({ company_id: owner.companyId, email, name: 'Alex Payables', role: 'ap', password_hash: await hashPassword(CUSTOMER_PASSWORD), terms_version: '2026-01', terms_accepted_at: stack.db.fn.now() });
    const clerk = await signInCustomer(stack.app, email);
    const today = localDate(new Date(), 'America/Chicago');
    const invoice = await createInvoice(stack.db, stack.dealerId, owner.accountId, { amountCents: 21_000, dueDate: addDays(today, 20) });
    const asked = await clerk.agent.post('/api/portal/payments').set('X-CSRF-Token', clerk.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: owner.accountId, paymentMethodId: owner.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(202);
    return { id: asked.body.approval.id as string, owner };
  }

  it('records an approval granted after a reminder', async () => {
    const { id, owner } = await askForApproval();
    await eventually(async () => expect(Number((await stack.db('payment_approvals').where({ id }).first('reminders_sent')).reminders_sent)).toBe(1), 10_000, 100);
    await owner.session.send('post', `/api/portal/payment-approvals/${id}/approve`).expect(200);
    expect(await stack.temporal.workflow.getHandle(paymentApprovalWorkflowId(id)).result()).toBe('decided');
    await save(stack.temporal, 'payment-approval', 'reminded-then-approved', paymentApprovalWorkflowId(id));
  });

  it('records an approval that lapses', async () => {
    const { id } = await askForApproval();
    expect(await stack.temporal.workflow.getHandle(paymentApprovalWorkflowId(id)).result()).toBe('expired');
    await save(stack.temporal, 'payment-approval', 'lapsed', paymentApprovalWorkflowId(id));
  });
});

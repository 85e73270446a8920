import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { createApp } from '../api/app';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { agingRefreshWorkflowId } from '../workflows/aging-refresh-definitions';
import { clusterSweepWorkflow } from '../workflows/cluster-sweep';
import { ensureClusterSweepSchedule } from '../workflows/cluster-sweep-client';
import { paymentWorkflowId } from '../workflows/payment-definitions';
import { remindersWorkflowId } from '../workflows/reminders-definitions';
import { testConfig } from './support/config';
import { eventually } from './support/eventually';
import { payingCustomer, paymentStatus, startPaymentStack, type PaymentStack } from './support/payment-stack';
import { createInvoice, signInCustomer } from './support/portal';

/** The sweeps that run once a minute for the cluster (workflows/cluster-sweep-client.ts), each pass scoped to this file's dealer. */
describe('cluster sweep', () => {
  let stack: PaymentStack;

  beforeAll(async () => {
    stack = await startPaymentStack();
  }, 120_000);
  afterAll(async () => {
    await stack.stop();
  });

  it("starts the workflow of a payment whose API lost Temporal between committing it and starting it, and every dealer's long-running workflows", async () => {
    const customer = await payingCustomer(stack);
    // An API process whose Temporal is gone: the payment commits, its workflow start fails.
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }), namespace: 'default' });
    const cutOff = createApp({ db: stack.db, temporal: unreachable, config: testConfig({ TASK_QUEUE: stack.taskQueue, MOOV_URL: stack.emulators.moov.url, PLAID_URL: stack.emulators.plaid.url }) });
    const email = (await stack.db('portal_users').where({ company_id: customer.companyId }).first('email')).email as string;
    const session = await signInCustomer(cutOff, email);
    const invoice = await createInvoice(stack.db, stack.dealerId, customer.accountId, { amountCents: 41_500, dueDate: '2026-12-15' });
    const submitted = await session.agent.post('/api/portal/payments').set('X-CSRF-Token', session.csrfToken).set('Idempotency-Key', randomUUID())
      .send({ dealerId: stack.dealerId, customerAccountId: customer.accountId, paymentMethodId: customer.bankMethodId, sourceView: 'all', items: [{ type: 'invoice', id: invoice.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION })
      .expect(201);
    const paymentId = submitted.body.payment.id as string;
    expect(await stack.db('payments').where({ id: paymentId }).first('workflow_started_at')).toEqual({ workflow_started_at: null });
    // A sweep leaves a payment alone for 15 s, in case its own API is still starting it.
    await stack.db('payments').where({ id: paymentId }).update({ submitted_at: new Date(Date.now() - 60_000) });

    const pass = () => stack.temporal.workflow.execute(clusterSweepWorkflow, { taskQueue: stack.taskQueue, workflowId: `cluster-sweep-test-${randomUUID()}`, args: [{ dealerId: stack.dealerId }] });
    expect(await pass()).toEqual({ orphanedPaymentsStarted: 1, agingRefreshEnsured: 1, remindersEnsured: 1 });
    await stack.temporal.workflow.getHandle(paymentWorkflowId(paymentId)).describe();
    await eventually(async () => expect(await paymentStatus(stack.db, paymentId)).not.toBe('pending'), 60_000);
    for (const workflowId of [agingRefreshWorkflowId(stack.dealerId), remindersWorkflowId(stack.dealerId)]) {
      expect([workflowId, (await stack.temporal.workflow.getHandle(workflowId).describe()).status.name]).toEqual([workflowId, 'RUNNING']);
    }
    // The next pass finds nothing orphaned; the dealer's workflows are left as they are.
    expect(await pass()).toMatchObject({ orphanedPaymentsStarted: 0 });
    await unreachable.connection.close().catch(() => undefined);
  }, 120_000);

  it('is one schedule a minute for the cluster, created by the first worker, found by the others, and run at once when a worker starts', async () => {
    const scheduleId = `cluster-sweep-test-${randomUUID()}`;
    const options = { scheduleId, scope: { dealerId: stack.dealerId } };
    try {
      expect(await ensureClusterSweepSchedule(stack.temporal, stack.taskQueue, options)).toBe('created');
      expect(await ensureClusterSweepSchedule(stack.temporal, stack.taskQueue, options)).toBe('existing');
      const handle = stack.temporal.schedule.getHandle(scheduleId);
      const described = await handle.describe();
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 60_000 })]);
      expect(described.policies.overlap).toBe('SKIP');
      // A worker starting asks for a pass at once; two in the same second are one pass, not two.
      let started = '';
      await eventually(async () => {
        const actions = (await handle.describe()).info.recentActions;
        expect(actions.length).toBeGreaterThanOrEqual(1);
        started = actions[0]!.action.workflow.workflowId;
      }, 30_000, 250);
      expect(await stack.temporal.workflow.getHandle(started).result()).toMatchObject({ orphanedPaymentsStarted: 0, agingRefreshEnsured: 1, remindersEnsured: 1 });
    } finally {
      await stack.temporal.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    }
  }, 60_000);
});

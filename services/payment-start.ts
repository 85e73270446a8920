import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Db } from '../db/connection';
import { localDate } from '../domain/dates';
import type { Config } from '../runtime/config';
import { AmountCents, CustomerAccount, DealerId, PaymentMethod, PaymentNumber, PaymentStatus } from '../workflows/search-attributes';
import { paymentWorkflowId, type PaymentWorkflowInput } from '../workflows/payment-definitions';

/**
 * Starts `payment-<id>` for a committed payment row. A repeated start is success, not an
 * error: the id is the business id and reuse is refused, so no payment runs twice.
 */
export async function startPaymentWorkflow(db: Db, temporal: Client, config: Config, paymentId: string): Promise<void> {
  const payment = await db('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').join('customer_accounts as a', 'a.id', 'p.customer_account_id').where('p.id', paymentId)
    .first('p.id', 'p.number', 'p.dealer_id', 'p.customer_account_id', 'p.method', 'p.amount_cents', 'p.status', 'p.submitted_at', 'd.time_zone', 'a.erp_account_id');
  if (!payment) throw new Error(`payment ${paymentId} not found`);
  const input: PaymentWorkflowInput = {
    paymentId,
    dealerId: payment.dealer_id,
    customerAccountId: payment.customer_account_id,
    method: payment.method,
    amountCents: Number(payment.amount_cents),
    submittedOn: localDate(new Date(payment.submitted_at), payment.time_zone),
    timing: {
      businessDayMs: config.BUSINESS_DAY_MS,
      pendingInvestigationBusinessDays: config.PENDING_INVESTIGATION_BUSINESS_DAYS,
      returnWindowBusinessDays: config.RETURN_WINDOW_BUSINESS_DAYS,
      reconcilePollMs: config.RECONCILE_POLL_MS,
    },
  };
  try {
    await temporal.workflow.start('paymentWorkflow', {
      workflowId: paymentWorkflowId(paymentId),
      taskQueue: config.TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: DealerId, value: payment.dealer_id },
        // What an operator reads out on the phone, so an engineer can find the payment by it.
        { key: CustomerAccount, value: payment.erp_account_id },
        { key: PaymentNumber, value: payment.number },
        { key: PaymentStatus, value: 'pending' },
        { key: PaymentMethod, value: payment.method },
        { key: AmountCents, value: Number(payment.amount_cents) },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await db('payments').where({ id: paymentId }).whereNull('workflow_started_at').update({ workflow_started_at: db.fn.now() });
}

/** Starts the workflows of payments whose submitting process died before it could. */
export async function startOrphanedPayments(db: Db, temporal: Client, config: Config, olderThanMs = 15_000): Promise<number> {
  const orphans = await db('payments').whereNull('workflow_started_at').where('submitted_at', '<', new Date(Date.now() - olderThanMs)).limit(100).pluck('id');
  for (const id of orphans) await startPaymentWorkflow(db, temporal, config, id);
  return orphans.length;
}

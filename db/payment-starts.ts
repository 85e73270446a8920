import type { Db } from './connection';

/**
 * What starting a payment's workflow reads and records. A start is keyed by the payment id
 * alone: the orphan sweeper works across dealers, and a payment id (a uuid) is never shared
 * between them, so the dealer comes back in the facts instead of being asked for.
 */
export interface PaymentStartFacts {
  id: string;
  number: string;
  dealerId: string;
  customerAccountId: string;
  method: 'ach' | 'card';
  amountCents: number;
  /** Where the books stand: a follow-up run starts with it in the Temporal UI's status column. */
  status: string;
  submittedAt: Date;
  dealerTimeZone: string;
  /** The customer account number the dealer uses, which operators read out on the phone. */
  erpAccountId: string;
}

export async function paymentStartFacts(db: Db, paymentId: string): Promise<PaymentStartFacts | null> {
  const row = await db('payments as p').join('dealers as d', 'd.id', 'p.dealer_id').join('customer_accounts as a', 'a.id', 'p.customer_account_id').where('p.id', paymentId)
    .first('p.id', 'p.number', 'p.dealer_id', 'p.customer_account_id', 'p.method', 'p.amount_cents', 'p.status', 'p.submitted_at', 'd.time_zone', 'a.erp_account_id');
  if (!row) return null;
  return {
    id: row.id,
    number: row.number,
    dealerId: row.dealer_id,
    customerAccountId: row.customer_account_id,
    method: row.method,
    amountCents: Number(row.amount_cents),
    status: row.status,
    submittedAt: new Date(row.submitted_at),
    dealerTimeZone: row.time_zone,
    erpAccountId: row.erp_account_id,
  };
}

/** Only the first start is recorded, so the sweeper's later retries keep the original time. */
export async function markPaymentWorkflowStarted(db: Db, paymentId: string): Promise<void> {
  await db('payments').where({ id: paymentId }).whereNull('workflow_started_at').update({ workflow_started_at: db.fn.now() });
}

/** Payments committed before `submittedBefore` whose workflow was never started (their API process died in between). */
export async function orphanedPaymentIds(db: Db, submittedBefore: Date, scope: { dealerId?: string } = {}, limit = 100): Promise<string[]> {
  const query = db('payments').whereNull('workflow_started_at').where('submitted_at', '<', submittedBefore);
  if (scope.dealerId) query.where({ dealer_id: scope.dealerId });
  return query.limit(limit).pluck('id');
}


import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { applyAccountCredit } from '../db/account-credits';
import type { AuditEvent } from '../db/audit';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { signalPaymentJoined } from '../workflows/settlement-client';
import { settlementWorkflowId } from '../workflows/settlement-definitions';

/**
 * Applies an account's unapplied credit to open invoices (docs/unapplied-credit.md), for an
 * operator or the customer alike: the ledger and balances change in one transaction, then the
 * open settlement that holds the application's GL lines is told, so it closes and posts them.
 */
export async function applyCredit(
  deps: { db: Db; temporal: Client; config: Config },
  input: { dealerId: string; customerAccountId: string; invoiceIds: string[]; amountCents: number | null; actor: { kind: AuditEvent['actorKind']; id: string }; note?: string | null },
) {
  const result = await deps.db.transaction((trx) => applyAccountCredit(trx, { ...input, now: new Date(), workflowIdFor: settlementWorkflowId }));
  const { settlement } = result;
  if (settlement.status === 'open') {
    const paymentId = result.sourcePaymentIds[0];
    // The lines are committed; should the signal fail, the next payment joining the batch starts its workflow.
    if (paymentId) {
      await signalPaymentJoined(deps.temporal, deps.config.TASK_QUEUE, {
        workflowId: settlement.workflow_id,
        input: { settlementId: settlement.id, dealerId: settlement.dealer_id, businessDate: settlement.business_date, sequence: settlement.sequence, closesAt: new Date(settlement.closes_at).toISOString() },
      }, paymentId).catch((error) => logger.error({ err: error, settlementId: settlement.id }, 'settlement workflow not told of a credit application'));
    }
  }
  return result;
}

import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import type { AuditEvent } from '../db/audit';
import { closeOwnSettlement, type SettlementRow } from '../db/settlements';
import { closeSettlementSignal } from '../workflows/settlement-definitions';

/**
 * Closing a settlement early, for the console and for a dealer's system alike: the batch is
 * closed in the database with its audit entry (and its `settlement.closed` event), then its
 * workflow is told, which finds it closed and moves on to posting. A batch whose workflow has
 * not started (no payment yet) needs no signal.
 */
export async function closeSettlementEarly(
  deps: { db: Db; temporal: Client },
  input: { settlementId: string; dealerId: string; actor: { kind: AuditEvent['actorKind']; id: string } },
): Promise<SettlementRow> {
  const settlement = await deps.db.transaction((trx) => closeOwnSettlement(trx, { settlementId: input.settlementId, dealerId: input.dealerId, now: new Date(), actor: input.actor }));
  // The workflow audits under an operator's id only; any other actor was audited above.
  const actorId = input.actor.kind === 'operator' ? input.actor.id : null;
  await deps.temporal.workflow.getHandle(settlement.workflow_id).signal(closeSettlementSignal, { actorId }).catch((error) => {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  });
  return settlement;
}

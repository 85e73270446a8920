import type { Knex } from 'knex';
import { refuseConflict, refuseInvalid, refuseNotFound } from '../domain/refusal';
import type { DisputeSnapshot, DisputeStatus } from '../integrations/payment-processor';
import { recordAudit } from './audit';

/**
 * Card disputes as the processor last reported them, one row per processor dispute. Events
 * arrive duplicated and out of order, so a snapshot is applied as "the state now" — except
 * that a decided dispute is never moved back to undecided by a stale snapshot.
 */

type Db = Knex | Knex.Transaction;

export interface DisputeRow {
  id: string;
  dealer_id: string;
  payment_id: string;
  processor_dispute_id: string;
  amount_cents: number;
  status: DisputeStatus;
  phase: string | null;
  network_reason_code: string | null;
  network_reason: string | null;
  respond_by: Date | null;
  evidence_notes: string | null;
  evidence_by: string | null;
  evidence_at: Date | null;
  opened_at: Date;
  decided_at: Date | null;
  updated_at: Date;
}

const DECIDED: ReadonlySet<DisputeStatus> = new Set(['won', 'lost', 'accepted', 'closed']);
export const isDecided = (status: DisputeStatus) => DECIDED.has(status);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records the processor's view of one dispute. Returns the row as it now stands, the status
 * it had before (null when new) and whether it was created; a stale undecided snapshot for a
 * decided dispute leaves the row as it was.
 */
export async function upsertDispute(
  trx: Knex.Transaction,
  input: { paymentId: string; dealerId: string; snapshot: DisputeSnapshot },
): Promise<{ row: DisputeRow; previousStatus: DisputeStatus | null; created: boolean }> {
  const { snapshot } = input;
  if (!Number.isSafeInteger(snapshot.amountCents) || snapshot.amountCents <= 0) {
    throw refuseInvalid('invalid_dispute_amount', `Dispute ${snapshot.disputeId} has an amount of ${snapshot.amountCents} cents; it must be a positive whole number.`);
  }
  const fields = {
    amount_cents: snapshot.amountCents,
    status: snapshot.status,
    phase: snapshot.phase,
    network_reason_code: snapshot.networkReasonCode,
    network_reason: snapshot.networkReason,
    respond_by: snapshot.respondBy ? new Date(snapshot.respondBy) : null,
  };
  // A first report racing with another: one insert wins, the other reads the winner below.
  const [inserted]: DisputeRow[] = await trx('payment_disputes')
    .insert({ ...fields, dealer_id: input.dealerId, payment_id: input.paymentId, processor_dispute_id: snapshot.disputeId, decided_at: isDecided(snapshot.status) ? trx.fn.now() : null })
    .onConflict('processor_dispute_id').ignore()
    .returning('*');
  if (inserted) {
    await audit(trx, inserted, null);
    return { row: inserted, previousStatus: null, created: true };
  }
  const current: DisputeRow = await trx('payment_disputes').where({ processor_dispute_id: snapshot.disputeId }).forUpdate().first();
  if (current.payment_id !== input.paymentId || current.dealer_id !== input.dealerId) {
    throw refuseConflict('dispute_of_another_payment', `Dispute ${snapshot.disputeId} belongs to another payment.`);
  }
  if (isDecided(current.status) && !isDecided(snapshot.status)) return { row: current, previousStatus: current.status, created: false };
  const unchanged = current.status === fields.status && Number(current.amount_cents) === fields.amount_cents && current.phase === fields.phase
    && current.network_reason_code === fields.network_reason_code && current.network_reason === fields.network_reason
    && (current.respond_by?.getTime() ?? null) === (fields.respond_by?.getTime() ?? null);
  if (unchanged) return { row: current, previousStatus: current.status, created: false };
  const decidedAt = isDecided(snapshot.status) ? (current.status === snapshot.status && current.decided_at ? current.decided_at : trx.fn.now()) : null;
  const [row]: DisputeRow[] = await trx('payment_disputes').where({ id: current.id })
    .update({ ...fields, decided_at: decidedAt, updated_at: trx.fn.now() }).returning('*');
  if (current.status !== row!.status) await audit(trx, row!, current.status);
  return { row: row!, previousStatus: current.status, created: false };
}

/**
 * The dispute as the processor reports it. Named apart from the payment's own moves
 * (`payment.dispute_opened` is the payment going Disputed), and its statuses are the
 * dispute's, so an auditor never reads a dispute's status as the payment's.
 */
async function audit(trx: Knex.Transaction, row: DisputeRow, from: DisputeStatus | null): Promise<void> {
  await recordAudit(trx, {
    dealerId: row.dealer_id, actorKind: 'processor', action: from ? 'payment.dispute_status_reported' : 'payment.dispute_reported', entityType: 'payment', entityId: row.payment_id,
    data: { disputeId: row.id, processorDisputeId: row.processor_dispute_id, disputeFrom: from, disputeTo: row.status, phase: row.phase, amountCents: Number(row.amount_cents) },
  });
}

/** An operator writes down the evidence sent for a dispute of one of the dealer's payments. */
export async function recordDisputeEvidence(
  trx: Knex.Transaction,
  input: { disputeId: string; dealerId: string; operatorId: string; notes: string },
): Promise<DisputeRow> {
  if (!UUID.test(input.disputeId)) throw refuseNotFound('Dispute');
  const notes = input.notes?.trim() ?? '';
  if (!notes) throw refuseInvalid('evidence_notes_required', 'Write down what evidence was sent.');
  if (notes.length > 10_000) throw refuseInvalid('evidence_notes_too_long', 'Evidence notes are limited to 10,000 characters.');
  const current: DisputeRow | undefined = await trx('payment_disputes').where({ id: input.disputeId, dealer_id: input.dealerId }).forUpdate().first();
  if (!current) throw refuseNotFound('Dispute');
  const [row] = await trx('payment_disputes').where({ id: current.id })
    .update({ evidence_notes: notes, evidence_by: input.operatorId, evidence_at: trx.fn.now(), updated_at: trx.fn.now() }).returning('*');
  await recordAudit(trx, {
    dealerId: input.dealerId, actorKind: 'operator', actorId: input.operatorId, action: 'payment.dispute_evidence_recorded', entityType: 'payment', entityId: current.payment_id,
    data: { disputeId: current.id, processorDisputeId: current.processor_dispute_id, status: current.status },
  });
  return row;
}

/** A payment's disputes, oldest first. */
export async function disputesOfPayment(db: Db, paymentId: string): Promise<DisputeRow[]> {
  return db('payment_disputes').where({ payment_id: paymentId }).orderBy([{ column: 'opened_at' }, { column: 'id' }]);
}

/** Disputes of the payment still waiting on a decision (the payment stays disputed while any is). */
export async function openDisputesOfPayment(db: Db, paymentId: string): Promise<DisputeRow[]> {
  return db('payment_disputes').where({ payment_id: paymentId }).whereNotIn('status', [...DECIDED]).orderBy([{ column: 'opened_at' }, { column: 'id' }]);
}

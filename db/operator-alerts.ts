import type { Knex } from 'knex';
import { recordAudit } from './audit';
import { queueEmail } from './email-outbox';

export interface OperatorAlert {
  paymentId: string;
  dealerId: string;
  /** What the alert is about (a return, a dispute opening…): the same news is queued once per operator. */
  key: string;
  subject: string;
  text: string;
}

/**
 * Emails every active operator of the dealer about a payment, through the outbox (the relay
 * sends it), and records that they were told. Idempotent by key per operator.
 */
export async function alertOperators(trx: Knex.Transaction, alert: OperatorAlert): Promise<void> {
  const operators = await trx('operator_users').where({ dealer_id: alert.dealerId, status: 'active' }).select('email');
  for (const operator of operators) {
    await queueEmail(trx, { dealerId: alert.dealerId, kind: 'payment_alert', to: operator.email, subject: alert.subject, text: alert.text, dedupeKey: `alert:${alert.paymentId}:${alert.key}:${operator.email}`, paymentId: alert.paymentId });
  }
  await recordAudit(trx, { dealerId: alert.dealerId, actorKind: 'system', action: 'payment.operator_alerted', entityType: 'payment', entityId: alert.paymentId, data: { subject: alert.subject, key: alert.key } });
}

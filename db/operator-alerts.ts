import type { Knex } from 'knex';
import { recordAudit } from './audit';

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
    await trx('email_outbox')
      .insert({ dealer_id: alert.dealerId, kind: 'payment_alert', to_address: operator.email, subject: alert.subject, text_body: alert.text, dedupe_key: `alert:${alert.paymentId}:${alert.key}:${operator.email}` })
      .onConflict('dedupe_key').ignore();
  }
  await recordAudit(trx, { dealerId: alert.dealerId, actorKind: 'system', action: 'payment.operator_alerted', entityType: 'payment', entityId: alert.paymentId, data: { subject: alert.subject, key: alert.key } });
}

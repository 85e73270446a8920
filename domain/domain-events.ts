import type { PaymentStatus } from './payment-status';
import type { SettlementStatus } from './settlement';

/**
 * What a dealer's systems are told happened (the events feed and outgoing webhooks). One
 * list of types; a payment's type follows from the status it moved to, a settlement's from
 * the status it reached, so every path that moves a status announces it the same way.
 */
export const DOMAIN_EVENT_TYPES = [
  'payment.created',
  'payment.settled',
  'payment.failed',
  'payment.returned',
  'payment.disputed',
  'payment.refunded',
  'payment.charged_back',
  'payment.terminated',
  'settlement.closed',
  'settlement.posted',
  'ingestion.completed',
  'sync.failed',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** What an event is about: a sync failure is the dealer's (its ERP connection), not one record's. */
export const DOMAIN_EVENT_ENTITIES = ['payment', 'settlement', 'ingestion_run', 'dealer'] as const;
export type DomainEventEntity = (typeof DOMAIN_EVENT_ENTITIES)[number];

const PAYMENT_EVENT_BY_STATUS: Partial<Record<PaymentStatus, DomainEventType>> = {
  settled: 'payment.settled',
  failed: 'payment.failed',
  returned: 'payment.returned',
  disputed: 'payment.disputed',
  refunded: 'payment.refunded',
  charged_back: 'payment.charged_back',
  terminated: 'payment.terminated',
};

/**
 * The event a payment's move to `to` announces, or none. Freezing and releasing are the AR
 * team's review, not news about the money: a held payment that is released to settled
 * announces `payment.settled` then, and one released back to pending announces nothing.
 */
export function paymentEventFor(from: PaymentStatus, to: PaymentStatus): DomainEventType | undefined {
  if (from === 'frozen' && to === 'pending') return undefined;
  return PAYMENT_EVENT_BY_STATUS[to];
}

/** A settlement announces closing (open → any) and being wholly posted. */
export function settlementEventFor(from: SettlementStatus, to: SettlementStatus): DomainEventType | undefined {
  if (from === to) return undefined;
  if (to === 'posted') return 'settlement.posted';
  if (from === 'open') return 'settlement.closed';
  return undefined;
}

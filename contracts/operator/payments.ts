import { z } from 'zod';
import { APPLICATION_ITEM_TYPES } from '../../domain/payment-quote';
import { DECISION_NOTE_MAX, DECISION_OUTCOMES, DECISION_STATUSES } from '../../domain/failure-decision';
import { paymentStatusSchema } from '../../domain/payment-status-schema';
import { boolFilter, calendarDate, cents, guid, id, idFilter, oneOrMany, timestamp } from '../fields';

/**
 * Incoming Payments: the list, the detail page, the volume chart and the review actions (each
 * answers the payment's detail as it is after the action).
 */

export const paymentMethodKind = z.enum(['ach', 'card']);
export const decisionOutcome = z.enum(DECISION_OUTCOMES);
export const OPERATOR_ACTIONS = ['freeze', 'release', 'terminate', 'dispute', 'resolve', 'refund'] as const;

export const paymentFilter = z.object({
  id: idFilter,
  q: z.string().max(100),
  status: oneOrMany(paymentStatusSchema),
  method: paymentMethodKind,
  customer_account_id: guid,
  settlement_id: guid,
  needs_investigation: boolFilter,
  needs_attention: boolFilter,
  needs_decision: boolFilter,
  submitted_gte: calendarDate,
  submitted_lte: calendarDate,
  amount_gte: z.coerce.number().int().nonnegative(),
  amount_lte: z.coerce.number().int().nonnegative(),
}).partial();

export const volumeQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

export const reasonBody = z.object({ reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(500) });
export const releaseBody = z.object({ reason: z.string().trim().max(500).optional() });
export const resolveDisputeBody = reasonBody.extend({ outcome: z.enum(['upheld', 'refunded']) });

/**
 * A refund of a settled payment: the whole remaining amount (neither field), an amount, or
 * chosen applications each for an amount. `request_id` is the console's id for this one
 * request, so a repeated click or a retried request refunds once.
 */
export const refundBody = z.object({
  request_id: guid,
  reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(500),
  amount_cents: z.number().int('whole cents only').positive('must be more than zero').optional(),
  items: z.array(z.object({
    application_id: z.coerce.string().regex(/^\d+$/, 'an application id from the payment'),
    amount_cents: z.number().int('whole cents only').positive('must be more than zero'),
  })).min(1, 'choose at least one item').max(500).optional(),
}).refine((body) => !(body.amount_cents !== undefined && body.items !== undefined), { message: 'give either amount_cents or items, not both', path: ['items'] });
export type RefundBody = z.infer<typeof refundBody>;

export const disputeEvidenceBody = z.object({
  notes: z.string().trim().min(1, 'write the evidence notes').max(5000, 'keep the notes under 5,000 characters'),
});
export type DisputeEvidenceBody = z.infer<typeof disputeEvidenceBody>;

export const failureDecisionBody = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { error: `choose one of: ${DECISION_OUTCOMES.join(', ')}` }),
  note: z.string().trim().max(DECISION_NOTE_MAX, `keep the note under ${DECISION_NOTE_MAX} characters`).optional()
    .transform((note) => note || undefined),
});

/** One row of Incoming Payments, as `GET /payments` lists it. */
export const paymentRow = z.strictObject({
  id,
  number: z.string(),
  status: paymentStatusSchema,
  method: paymentMethodKind,
  card_funding: z.string().nullable(),
  amount_cents: cents,
  items_cents: cents,
  credits_cents: cents,
  discount_cents: cents,
  /** Paid beyond the items: the customer's unapplied credit once settled (docs/unapplied-credit.md). */
  on_account_cents: cents,
  /** What the ERP says was paid another way on items this payment holds, seen while it was in flight: becomes credit at settlement. */
  paid_elsewhere_cents: cents,
  fee_cents: cents,
  processing_cost_cents: cents.nullable(),
  submitted_at: timestamp,
  settled_at: timestamp.nullable(),
  returned_at: timestamp.nullable(),
  needs_investigation: z.boolean(),
  return_code: z.string().nullable(),
  failure_reason: z.string().nullable(),
  hold_reason: z.string().nullable(),
  settlement_id: id.nullable(),
  customer_account_id: id,
  workflow_id: z.string(),
  moov_transfer_id: z.string().nullable(),
  moov_status: z.string().nullable(),
  account_name: z.string(),
  erp_account_id: z.string(),
  payer: z.string(),
  method_label: z.string().nullable(),
  method_last4: z.string().nullable(),
  /** The standing decision on a failed, returned or disputed payment; null while it needs one. */
  decision_outcome: decisionOutcome.nullable(),
  decision_note: z.string().nullable(),
  decision_at: timestamp.nullable(),
  decision_by: z.string().nullable(),
  needs_decision: z.boolean(),
});
export type PaymentRow = z.infer<typeof paymentRow>;

/** A decision as the payment detail lists them; a superseded one answered an earlier status. */
export const paymentDecision = z.strictObject({
  payment_status: z.enum(DECISION_STATUSES),
  outcome: decisionOutcome,
  note: z.string().nullable(),
  decided_at: timestamp,
  superseded_at: timestamp.nullable(),
  decided_by: z.string(),
});
export type PaymentDecision = z.infer<typeof paymentDecision>;

export const paymentApplication = z.strictObject({
  id: z.number().int(),
  type: z.enum(APPLICATION_ITEM_TYPES),
  amountCents: cents,
  /** Given back so far by refunds, chargebacks or a return. */
  reversedCents: cents,
  state: z.string(),
  documentId: id.nullable(),
  documentNumber: z.string().nullable(),
  appliedToInvoiceNumber: z.string().nullable(),
});
export type PaymentApplication = z.infer<typeof paymentApplication>;

export const paymentTimelineEntry = z.strictObject({
  from_status: z.string().nullable(),
  to_status: z.string(),
  event: z.string(),
  actor_kind: z.string(),
  actor_id: z.string().nullable(),
  /** The operator's or portal user's name; null for the processor and the system. */
  actor_name: z.string().nullable(),
  reason: z.string().nullable(),
  at: timestamp,
});
export type PaymentTimelineEntry = z.infer<typeof paymentTimelineEntry>;

/** A card dispute as the processor reports it, with the evidence the AR team wrote down. */
export const paymentDispute = z.strictObject({
  id,
  processor_dispute_id: z.string(),
  amount_cents: cents,
  status: z.enum(['response_needed', 'under_review', 'won', 'lost', 'accepted', 'closed']),
  phase: z.string().nullable(),
  network_reason_code: z.string().nullable(),
  network_reason: z.string().nullable(),
  respond_by: timestamp.nullable(),
  evidence_notes: z.string().nullable(),
  evidence_by: z.string().nullable(),
  evidence_at: timestamp.nullable(),
  opened_at: timestamp,
  decided_at: timestamp.nullable(),
});
export type PaymentDispute = z.infer<typeof paymentDispute>;

/** Money taken back from the payment after it settled, and the items it re-opened. */
export const paymentReversal = z.strictObject({
  id,
  kind: z.enum(['ach_return', 'chargeback', 'refund']),
  amount_cents: cents,
  reason: z.string(),
  return_code: z.string().nullable(),
  actor_name: z.string().nullable(),
  /** Where the money is at the processor (a refund: pending, completed, failed), as last read. */
  processor_status: z.string().nullable(),
  created_at: timestamp,
  items: z.array(z.strictObject({ application_id: z.number().int(), type: z.enum(APPLICATION_ITEM_TYPES), document_number: z.string().nullable(), amount_cents: cents })),
});
export type PaymentReversal = z.infer<typeof paymentReversal>;

/** `GET /payments/:id`: the row plus what the detail page draws. */
export const paymentDetail = paymentRow.extend({
  bank_name: z.string().nullable(),
  card_brand: z.string().nullable(),
  settlement_number: z.string().nullable(),
  settlement_status: z.string().nullable(),
  decisions: z.array(paymentDecision),
  applications: z.array(paymentApplication),
  /** Refunded, charged back or returned after settlement; the payment's net is amount − this. */
  reversed_cents: cents,
  disputes: z.array(paymentDispute),
  reversals: z.array(paymentReversal),
  timeline: z.array(paymentTimelineEntry),
  actions: z.array(z.enum(OPERATOR_ACTIONS)),
  workflowUrl: z.string(),
});
export type PaymentDetail = z.infer<typeof paymentDetail>;

export const volumeDay = z.strictObject({ day: z.string(), amountCents: cents, count: z.number().int() });
export type VolumeDay = z.infer<typeof volumeDay>;

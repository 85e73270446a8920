import type { RaRecord } from 'react-admin';
import type { DecisionOutcome } from '../../../domain/failure-decision';
import { httpClient } from '../httpClient';
import { API_URL } from '../session';

export type PaymentStatus = 'pending' | 'settled' | 'frozen' | 'terminated' | 'failed' | 'returned' | 'disputed';
export type PaymentAction = 'freeze' | 'release' | 'terminate' | 'dispute' | 'resolve';

/** One row of Incoming Payments, as `GET /payments` lists it. */
export interface PaymentRow extends RaRecord<string> {
  number: string;
  status: PaymentStatus;
  method: 'ach' | 'card';
  card_funding: string | null;
  amount_cents: number;
  items_cents: number;
  credits_cents: number;
  discount_cents: number;
  fee_cents: number;
  processing_cost_cents: number;
  submitted_at: string;
  settled_at: string | null;
  returned_at: string | null;
  needs_investigation: boolean;
  return_code: string | null;
  failure_reason: string | null;
  hold_reason: string | null;
  settlement_id: string | null;
  customer_account_id: string;
  workflow_id: string;
  moov_transfer_id: string | null;
  moov_status: string | null;
  account_name: string;
  erp_account_id: string;
  payer: string;
  method_label: string | null;
  method_last4: string | null;
  /** The standing decision on a failed, returned or disputed payment; null while it needs one. */
  decision_outcome: DecisionOutcome | null;
  decision_note: string | null;
  decision_at: string | null;
  decision_by: string | null;
  needs_decision: boolean;
}

/** A decision as the payment detail lists them; a superseded one answered an earlier status. */
export interface PaymentDecision {
  payment_status: 'failed' | 'returned' | 'disputed';
  outcome: DecisionOutcome;
  note: string | null;
  decided_at: string;
  superseded_at: string | null;
  decided_by: string;
}

export interface PaymentApplication {
  id: string;
  type: 'invoice' | 'debit' | 'credit' | 'discount';
  amountCents: number;
  state: string;
  documentId: string | null;
  documentNumber: string | null;
  appliedToInvoiceNumber: string | null;
}

export interface PaymentTimelineEntry {
  from_status: string | null;
  to_status: string;
  event: string;
  actor_kind: string;
  actor_id: string | null;
  /** The operator's or portal user's name; null for the processor and the system. */
  actor_name: string | null;
  reason: string | null;
  at: string;
}

/** `GET /payments/:id`: the row plus what the detail page draws. */
export interface PaymentDetail extends PaymentRow {
  bank_name: string | null;
  card_brand: string | null;
  settlement_number: string | null;
  settlement_status: string | null;
  applications: PaymentApplication[];
  timeline: PaymentTimelineEntry[];
  actions: PaymentAction[];
  decisions: PaymentDecision[];
  workflowUrl: string;
}

export interface VolumeDay {
  day: string;
  amountCents: number;
  count: number;
}

/** The path of each review action on the API (resolve carries an outcome). */
const ACTION_PATHS: Record<PaymentAction, string> = {
  freeze: 'freeze',
  release: 'release',
  terminate: 'terminate',
  dispute: 'dispute',
  resolve: 'resolve-dispute',
};

export const paymentMethods = {
  async getPaymentVolume(days = 30): Promise<VolumeDay[]> {
    const { json } = await httpClient(`${API_URL}/payments/volume?days=${days}`);
    return json as VolumeDay[];
  },

  /**
   * A review action, sent to the payment's workflow by the API. A refusal (409) rejects with
   * the API's own sentence, which the dialog shows as is.
   */
  async paymentAction(id: string, action: PaymentAction, body: { reason?: string; outcome?: 'upheld' | 'refunded' }): Promise<PaymentDetail> {
    const { json } = await httpClient(`${API_URL}/payments/${encodeURIComponent(id)}/${ACTION_PATHS[action]}`, { method: 'POST', body: JSON.stringify(body) });
    return json as PaymentDetail;
  },

  /** What the AR team decided about a failed, returned or disputed payment; the status stays as it is. */
  async recordPaymentDecision(id: string, body: { outcome: DecisionOutcome; note?: string }): Promise<PaymentDetail> {
    const { json } = await httpClient(`${API_URL}/payments/${encodeURIComponent(id)}/failure-decision`, { method: 'POST', body: JSON.stringify(body) });
    return json as PaymentDetail;
  },
};

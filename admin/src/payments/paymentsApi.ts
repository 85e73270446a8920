import type {
  DisputeEvidenceBody, PaymentApplication, PaymentDecision, PaymentDetail, PaymentDispute, PaymentReversal, PaymentRow, PaymentTimelineEntry, RefundBody, VolumeDay,
} from '../../../contracts/operator/payments';
import type { DecisionOutcome } from '../../../domain/failure-decision';
import type { OperatorAction, PaymentStatus } from '../../../domain/payment-status';
import { httpClient } from '../httpClient';
import { API_URL } from '../session';

export type {
  DisputeEvidenceBody, PaymentApplication, PaymentDecision, PaymentDetail, PaymentDispute, PaymentReversal, PaymentRow, PaymentStatus, PaymentTimelineEntry, RefundBody, VolumeDay,
};
export type PaymentAction = OperatorAction;

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

  /**
   * Money back to the customer (admins only). `request_id` names this one request, so a second
   * click or a retried request refunds once; a refusal rejects with the API's sentence and its
   * code (`refund_invalid` names the limit).
   */
  async refundPayment(id: string, body: RefundBody): Promise<PaymentDetail> {
    const { json } = await httpClient(`${API_URL}/payments/${encodeURIComponent(id)}/refund`, { method: 'POST', body: JSON.stringify(body) });
    return json as PaymentDetail;
  },

  /** What the AR team wrote down to answer a card dispute; the detail comes back as saved. */
  async saveDisputeEvidence(id: string, disputeId: string, body: DisputeEvidenceBody): Promise<PaymentDetail> {
    const { json } = await httpClient(`${API_URL}/payments/${encodeURIComponent(id)}/disputes/${encodeURIComponent(disputeId)}/evidence`, { method: 'PUT', body: JSON.stringify(body) });
    return json as PaymentDetail;
  },
};

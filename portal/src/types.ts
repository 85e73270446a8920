/**
 * Shapes of the portal API's answers: the API's contracts (contracts/portal/*), imported as
 * types only. What the portal itself derives from them is declared here.
 */
import type { Session, User } from '../../contracts/portal/auth';
import type { AccountOutstanding, DealerSummary, ItemType, JobGroup, Outstanding, OutstandingItem, OutstandingItemRow, OutstandingItemsPage, StatementSummary, View } from '../../contracts/portal/outstanding';
import type { PaymentDetail, PaymentRequestInput, PaymentSummary, Preview, SourceView, SubmittedPayment as SubmitAnswer } from '../../contracts/portal/payments';
import type { PaymentStatus } from '../../domain/payment-status';

export type { AccountOutstanding, DealerSummary, ItemType, JobGroup, Outstanding, OutstandingItem, OutstandingItemRow, OutstandingItemsPage, PaymentDetail, PaymentStatus, PaymentSummary, Preview, Session, SourceView, StatementSummary, User, View };

/** What the portal sends to preview and pay (before the API applies its defaults). */
export type PaymentRequest = PaymentRequestInput;

/** The payment a submit answered. */
export type SubmittedPayment = SubmitAnswer['payment'];

/** A saved way to pay, as the portal shows it (normalised from the payment-methods API). */
export interface SavedMethod {
  id: string;
  kind: 'ach' | 'card';
  label: string;
  /** The bank (through Plaid) needs the customer to reconnect before this account is debited again. */
  needsRelink: boolean;
  /** Why: `login_required`, `pending_expiration`, `pending_disconnect` (update mode fixes these) or `permission_revoked` (link again). */
  relinkReason: string | null;
}

export type { PortalLienWaiver as LienWaiver } from '../../contracts/portal/lien-waivers';
export type { ItemDocument } from '../../contracts/item-documents';

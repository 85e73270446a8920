/** Shapes of the portal API's answers (api/portal/*). */

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface DealerSummary {
  id: string;
  name: string;
  billsByStatement: boolean;
  allowPartialPayments: boolean;
  timeZone: string;
  /** What the linked accounts owe this supplier in all: invoices and debits less credits. */
  openBalanceCents: number;
  accounts: Array<{ id: string; erpAccountId: string; name: string }>;
}

export type View = 'all' | 'current_statement' | 'new_charges';
export type ItemType = 'invoice' | 'debit' | 'credit';

export interface OutstandingItem {
  type: ItemType;
  id: string;
  number: string;
  date: string | null;
  dueDate: string | null;
  amountCents: number;
  balanceCents: number;
  reservedCents: number;
  payableCents: number;
  daysPastDue: number;
  pastDueAge: '1-30' | '30+' | '60+' | '90+' | null;
  statementId: string | null;
  poNumber: string | null;
  description: string | null;
  appliesToInvoiceNumber: string | null;
}

export interface JobGroup {
  jobId: string | null;
  jobName: string;
  erpJobId: string | null;
  pastDueAge: OutstandingItem['pastDueAge'];
  maxDaysPastDue: number;
  balanceCents: number;
  creditsCents: number;
  netCents: number;
  payableCents: number;
  invoiceCount: number;
  debitCount: number;
  creditCount: number;
  items: OutstandingItem[];
}

export interface StatementSummary {
  id: string;
  number: string;
  statementDate: string;
  status: 'open' | 'paid' | 'closed';
  balanceCents: number;
  discountCents: number;
  discountDate: string | null;
  dueDate: string;
  discountAvailable: boolean;
  openCents: number;
  itemCount: number;
}

export interface AccountOutstanding {
  id: string;
  erpAccountId: string;
  name: string;
  totals: { outstandingCents: number; pastDueCents: number; debitsCents: number; creditsCents: number; netCents: number };
  statement: StatementSummary | null;
  jobs: JobGroup[];
}

export interface Outstanding {
  dealer: Omit<DealerSummary, 'accounts'>;
  view: View;
  asOf: string;
  accounts: AccountOutstanding[];
}

export type PaymentStatus = 'pending' | 'settled' | 'frozen' | 'terminated' | 'failed' | 'returned' | 'disputed';

export interface PaymentSummary {
  id: string;
  number: string;
  status: PaymentStatus;
  statusLabel: string;
  method: 'ach' | 'card';
  methodLabel: string;
  itemsCents: number;
  creditsCents: number;
  discountCents: number;
  feeCents: number;
  amountCents: number;
  submittedAt: string;
  settledAt: string | null;
  dealerId: string;
  dealerName: string;
  dealerTimeZone: string;
  customerAccountId: string;
  accountName: string;
  erpAccountId: string;
}

export interface PaymentDetail extends PaymentSummary {
  /** Set once the payment ended without being paid: see api/portal/payment-view.ts. */
  moneyOutcome: 'not_charged' | 'refunded' | 'failed' | 'returned' | null;
  failureReason: string | null;
  lines: Array<{ type: ItemType | 'discount'; number: string; amountCents: number; appliedToInvoiceNumber: string | null }>;
  events: Array<{ status: PaymentStatus; statusLabel: string; at: string }>;
}

/** A saved way to pay, as the portal shows it (normalised from the payment-methods API). */
export interface SavedMethod {
  id: string;
  kind: 'ach' | 'card';
  label: string;
}

export type SourceView = 'all' | 'current_statement' | 'new_charges' | 'amount';

export interface PaymentRequest {
  dealerId: string;
  customerAccountId: string;
  sourceView: SourceView;
  items: Array<{ type: ItemType; id: string; amountCents?: number }>;
  payAmountCents?: number;
  statementId?: string;
  paymentMethodId: string;
}

export interface Preview {
  lines: Array<{ type: ItemType | 'discount'; id: string; number: string; amountCents: number; appliedToInvoiceNumber?: string | null }>;
  itemsCents: number;
  creditsCents: number;
  discountCents: number;
  discountReason: string | null;
  feeCents: number;
  feeExplanation: string | null;
  amountCents: number;
  /** ACH only: the debit authorization pressing Pay gives, and its version to send back. */
  achAuthorization: { version: string; text: string } | null;
  errors: Array<{ code: string; message: string }>;
}

export interface SubmittedPayment {
  id: string;
  number: string;
  status: PaymentStatus;
  amountCents: number;
  method: 'ach' | 'card';
}

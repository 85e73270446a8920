/**
 * What the Moov emulator remembers, as plain JSON-able records (the whole state can be written
 * to disk and read back). Field names follow Moov's API where a record maps onto a Moov
 * resource, so the serialisers in views.ts stay thin. Times are ISO strings on the emulator
 * clock; money is integer cents.
 */
export type TransferStatus = 'created' | 'pending' | 'completed' | 'failed' | 'reversed' | 'canceled' | 'queued';
export type AchStatus = 'initiated' | 'originated' | 'corrected' | 'returned' | 'completed' | 'canceled';
export type CardStatus = 'initiated' | 'confirmed' | 'settled' | 'completed' | 'failed' | 'canceled';
export type FailureReason = 'source-payment-error' | 'destination-payment-error' | 'processing-error';

export type SourcePaymentMethodType = 'ach-debit-collect' | 'ach-debit-fund' | 'card-payment' | 'moov-wallet';
export type DestinationPaymentMethodType = 'moov-wallet' | 'ach-credit-standard' | 'ach-credit-same-day';
export type PaymentMethodType = SourcePaymentMethodType | DestinationPaymentMethodType;

export interface AccountRecord {
  accountID: string;
  accountType: 'business' | 'individual';
  displayName: string;
  email: string;
  /** The profile as Moov returns it (request profile minus secrets such as tax ids). */
  profile: Record<string, unknown>;
  foreignID?: string;
  metadata?: Record<string, string>;
  capabilities: string[];
  createdOn: string;
  updatedOn: string;
  walletID: string;
}

export interface WalletRecord {
  walletID: string;
  accountID: string;
  createdOn: string;
}

export interface BankAccountRecord {
  bankAccountID: string;
  accountID: string;
  fingerprint: string;
  status: 'new' | 'verified' | 'verificationFailed' | 'pending' | 'errored';
  statusReason: string;
  holderName: string;
  holderType: 'individual' | 'business';
  bankName: string;
  bankAccountType: 'checking' | 'savings';
  routingNumber: string;
  /** Kept only so the emulator can apply its magic-number rules; never serialised. */
  accountNumber: string;
  lastFourAccountNumber: string;
  exceptionDetails?: { achReturnCode: string; description: string };
  createdOn: string;
  updatedOn: string;
  deletedOn?: string;
}

export interface CardRecord {
  cardID: string;
  accountID: string;
  fingerprint: string;
  brand: 'Visa' | 'Mastercard' | 'American Express' | 'Discover' | 'Unknown';
  cardType: 'credit' | 'debit' | 'prepaid' | 'unknown';
  bin: string;
  lastFourCardNumber: string;
  expiration: { month: string; year: string };
  holderName?: string;
  billingAddress: { addressLine1?: string; addressLine2?: string; city?: string; stateOrProvince?: string; postalCode: string; country?: string };
  cardOnFile: boolean;
  /** A failure code every charge on this card gets (emulator test cards). */
  alwaysDeclines?: string;
  createdOn: string;
  updatedOn: string;
  deletedOn?: string;
}

export interface PaymentMethodRecord {
  paymentMethodID: string;
  accountID: string;
  paymentMethodType: PaymentMethodType;
  source: { kind: 'wallet' | 'bank-account' | 'card'; id: string };
  createdOn: string;
  /** Set when the instrument was removed or errored: no longer listed or usable, still shown on old transfers. */
  disabledOn?: string;
}

export interface AchLeg {
  status: AchStatus;
  traceNumber: string;
  secCode: 'WEB' | 'PPD' | 'CCD' | 'TEL';
  companyEntryDescription?: string;
  originatingCompanyName?: string;
  initiatedOn?: string;
  originatedOn?: string;
  correctedOn?: string;
  returnedOn?: string;
  completedOn?: string;
  canceledOn?: string;
  failedOn?: string;
  return?: { code: string; reason: string; description: string };
  correction?: { code: string; reason: string; description: string };
}

export interface CardLeg {
  status: CardStatus;
  dynamicDescriptor?: string;
  authorizationCode?: string;
  failureCode?: string;
  initiatedOn?: string;
  confirmedOn?: string;
  settledOn?: string;
  completedOn?: string;
  failedOn?: string;
  canceledOn?: string;
}

export interface LegRecord {
  accountID: string;
  paymentMethodID: string;
  paymentMethodType: PaymentMethodType;
  rail: 'ach' | 'card' | 'wallet';
  ach?: AchLeg;
  card?: CardLeg;
}

export interface CancellationRecord {
  cancellationID: string;
  status: 'pending' | 'completed' | 'failed';
  createdOn: string;
}

export interface RefundRecord {
  refundID: string;
  amount: number;
  status: 'created' | 'pending' | 'completed' | 'failed';
  createdOn: string;
  updatedOn: string;
  card: {
    status: 'initiated' | 'confirmed' | 'settled' | 'completed' | 'failed';
    failureCode?: string;
    initiatedOn?: string;
    confirmedOn?: string;
    settledOn?: string;
    completedOn?: string;
    failedOn?: string;
  };
}

/** What will happen to a transfer, decided when it is created (magic amount, magic bank account or test card). */
export type Outcome =
  | { kind: 'clear' }
  | { kind: 'ach-return-before-clearing'; code: string }
  | { kind: 'ach-return-after-clearing'; code: string }
  | { kind: 'ach-stuck' }
  | { kind: 'ach-correction'; code: string }
  | { kind: 'card-decline'; failureCode: string }
  | { kind: 'processing-error' }
  | { kind: 'queued-then-clear' };

export interface TransferRecord {
  transferID: string;
  partnerAccountID: string;
  createdOn: string;
  updatedOn: string;
  status: TransferStatus;
  failureReason?: FailureReason;
  completedOn?: string;
  amount: number;
  currency: 'USD';
  description?: string;
  metadata?: Record<string, string>;
  foreignID?: string;
  source: LegRecord;
  destination: LegRecord;
  outcome: Outcome;
  cancellations: CancellationRecord[];
  refunds: RefundRecord[];
  disputes?: DisputeRecord[];
}

export type DisputeStatus = 'response-needed' | 'under-review' | 'won' | 'lost' | 'accepted' | 'closed' | 'expired' | 'resolved';
export type DisputePhase = 'pre-dispute' | 'inquiry' | 'chargeback';

/**
 * A card dispute on a transfer. Fields added after the first version are optional because
 * state files written before them are still read; views.ts fills Moov's defaults.
 */
export interface DisputeRecord {
  disputeID: string;
  createdOn: string;
  updatedOn?: string;
  amount: number;
  status: DisputeStatus;
  phase: DisputePhase;
  respondBy?: string;
  networkReasonCode?: string;
  networkReasonDescription?: string;
  /** When the merchant's evidence went to the network (status under-review). */
  submittedOn?: string;
}

export type StepName = 'transfer.release' | 'ach.originate' | 'ach.correct' | 'ach.complete' | 'ach.return' | 'card.authorize' | 'card.settle' | 'refund.confirm' | 'refund.complete';

export interface ScheduledStep {
  seq: number;
  /** Emulator-clock epoch milliseconds. */
  at: number;
  transferID: string;
  step: StepName;
  refundID?: string;
}

export interface IdempotencyRecord {
  requestHash: string;
  transferID: string;
  /** For refunds and reversals: what the first request produced. */
  result?: { refundID?: string; cancellationID?: string };
}

export interface WebhookRegistration {
  webhookID: string;
  url?: string;
  secret?: string;
}

export interface MoovEvent {
  eventID: string;
  type: string;
  data: Record<string, unknown>;
  createdOn: string;
}

export interface MoovState {
  accounts: Record<string, AccountRecord>;
  wallets: Record<string, WalletRecord>;
  bankAccounts: Record<string, BankAccountRecord>;
  cards: Record<string, CardRecord>;
  paymentMethods: Record<string, PaymentMethodRecord>;
  transfers: Record<string, TransferRecord>;
  /** Keyed `<operation>:<partner account>:<X-Idempotency-Key>`. */
  idempotency: Record<string, IdempotencyRecord>;
  schedule: ScheduledStep[];
  nextSeq: number;
  clockOffsetMs: number;
  webhook: WebhookRegistration;
  /** The most recent events, newest last (capped), for tests and the reconciliation demo. */
  events: MoovEvent[];
}

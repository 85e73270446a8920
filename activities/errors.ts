import type { PaymentRefusalType } from '../workflows/payment-definitions';

/**
 * The failure vocabulary between activities and workflows: the `type` of every
 * ApplicationFailure an activity throws, and the lists each retry policy's
 * `nonRetryableErrorTypes` is built from. Said once, so a renamed failure cannot leave a retry
 * policy retrying what it was meant to stop.
 *
 * The values are wire names: they are written into workflow histories, and a running workflow
 * compares them on replay. Never change a value; add a new name instead.
 *
 * Workflow code imports this file, so it stays sandbox-safe: constants only, no imports but
 * types (which the bundler erases).
 */
export const FailureType = {
  /** A fault retrying cannot fix (a row that does not exist, a processor that said no for good). */
  NonRetryable: 'NonRetryable',
  /** The settlement store refused a change (details[0] carries its code). */
  SettlementRefusal: 'SettlementRefusal',
  /** Spruce refused our request or credentials; retrying will not help. */
  SpruceClientError: 'SpruceClientError',
  /** Spruce is down or overloaded; the GL posting waits and retries. */
  SpruceUnavailable: 'SpruceUnavailable',
  /** A reversal waits for its original line to be posted first; retried. */
  OriginalNotPosted: 'OriginalNotPosted',
  /** Any other failure posting to the general ledger; retried. */
  PostingError: 'PostingError',
  /** A Spruce sync attempt failed (the type is the SpruceError subclass's name when there is one); retried. */
  SpruceSyncError: 'SpruceSyncError',
  /** The dealer left the Spruce integration: the sync ends instead of retrying. */
  SpruceSyncNotApplicable: 'SpruceSyncNotApplicable',
  /** The upload's rows conflict with data committed meanwhile. */
  IngestionCommitConflict: 'IngestionCommitConflict',
  /** PostgreSQL refused the upload's data. */
  IngestionDatabaseRefused: 'IngestionDatabaseRefused',
  /** The invitation row is not committed yet (the workflow starts inside its transaction); retried. */
  InvitationNotVisibleYet: 'InvitationNotVisibleYet',
  /** A dealer's webhook endpoint did not answer 2xx; retried with backoff until the give-up window ends. */
  WebhookEndpointFailed: 'WebhookEndpointFailed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/**
 * The payment refusals an operator reads (workflows/payment-definitions.ts maps each to its
 * code). Checked against that map by the compiler, so the two cannot drift apart.
 */
export const PaymentRefusalFailure = {
  IllegalTransition: 'IllegalTransition',
  TransferNotCancellable: 'TransferNotCancellable',
  RefundNotPossible: 'RefundNotPossible',
  RefundInvalid: 'RefundInvalid',
} as const satisfies { [T in PaymentRefusalType]: T };

/** What every activity retry policy stops on. */
export const NON_RETRYABLE: readonly FailureType[] = [FailureType.NonRetryable];
/** Settlement bookkeeping: a refusal of the store is an answer, not an outage. */
export const SETTLEMENT_NON_RETRYABLE: readonly FailureType[] = [FailureType.NonRetryable, FailureType.SettlementRefusal];
/** Posting lines to Spruce: a refused request fails the batch instead of repeating it. */
export const GL_POSTING_NON_RETRYABLE: readonly FailureType[] = [FailureType.NonRetryable, FailureType.SpruceClientError];
/** Ingestion: data that conflicts or that the database refuses will not change by retrying. */
export const INGEST_NON_RETRYABLE: readonly FailureType[] = [FailureType.IngestionCommitConflict, FailureType.IngestionDatabaseRefused];

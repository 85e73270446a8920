import { stateForZip } from '../domain/us-zip-state';
import { Moov } from '@moovio/sdk';
import type * as components from '@moovio/sdk/models/components';
import * as errors from '@moovio/sdk/models/errors';
import { createHash } from 'node:crypto';

/**
 * Drypowder's side of Moov, over the official SDK. It speaks in Drypowder's terms (cents,
 * payment-method summaries that fill the payment_methods table, a transfer state the payment
 * workflow reads) and turns every SDK failure into a MoovIntegrationError that says whether a
 * retry can help. Works unchanged against Moov or the local emulator: only `url` differs.
 *
 * Money-moving calls take the caller's idempotency key (derive it from business ids, e.g. the
 * payment id): a retry with the same key returns the original transfer, never a second one.
 */
export interface MoovClientOptions {
  url: string;
  /** Moov's address as a customer's browser reaches it, when it differs from the server's (a container network). */
  browserUrl?: string;
  publicKey: string;
  secretKey: string;
  /** The platform (partner) account transfers are created under. */
  facilitatorAccountId: string;
  timeoutMs?: number;
}

export type MoovTransferStatus = 'created' | 'pending' | 'completed' | 'failed' | 'reversed' | 'canceled' | 'queued';
export type CardFunding = 'credit' | 'debit' | 'prepaid' | 'unknown';

/** What Drypowder keeps about a payment method (never card or account numbers). */
export interface MoovPaymentMethod {
  paymentMethodId: string;
  /** Moov's type: ach-debit-collect (pull from a bank), card-payment, moov-wallet, … */
  paymentMethodType: string;
  kind: 'ach' | 'card' | 'wallet';
  /** The bank account, card or wallet behind it (payment_methods.moov_source_id). */
  sourceId: string;
  /** For lists: "Prairie State Bank ····0001", "Visa debit ····5556". */
  label: string;
  last4: string | null;
  bankName: string | null;
  cardBrand: string | null;
  cardFunding: CardFunding | null;
  /** Card billing state/province (surcharge rules depend on it). */
  billingState: string | null;
  /** Bank accounts only: Moov's status (verified, errored after an R02…). */
  bankStatus: string | null;
}

export interface MoovTransferState {
  transferId: string;
  status: MoovTransferStatus;
  amountCents: number;
  rail: 'ach' | 'card' | 'wallet';
  createdAt: Date;
  completedAt: Date | null;
  failureReason: string | null;
  /** The bank leg (source for a debit, destination for a credit back). */
  ach: {
    status: string | null;
    returnCode: string | null;
    returnReason: string | null;
    correctionCode: string | null;
    initiatedAt: Date | null;
    originatedAt: Date | null;
    completedAt: Date | null;
    returnedAt: Date | null;
  } | null;
  card: {
    status: string | null;
    failureCode: string | null;
    authorizationCode: string | null;
    confirmedAt: Date | null;
    settledAt: Date | null;
  } | null;
  refundedCents: number;
  /** Card chargebacks: a non-zero amount means the cardholder disputed the payment. */
  disputedCents: number;
  cancellations: Array<{ cancellationId: string; status: string }>;
  foreignId: string | null;
  metadata: Record<string, string>;
  sourcePaymentMethodId: string;
  destinationPaymentMethodId: string;
  /** The accounts on each side (the customer's for a debit, the dealer's for its wallet). */
  sourceAccountId: string;
  destinationAccountId: string;
  /** The customer's bank account behind an ACH debit (where a refund is credited back). */
  sourceBankAccountId: string | null;
}

/** A card dispute as Moov reports it, in Moov's own status and phase words. */
export interface MoovDispute {
  disputeId: string;
  transferId: string;
  merchantAccountId: string;
  amountCents: number;
  /** response-needed, under-review, won, lost, accepted, closed, expired, resolved. */
  status: string;
  /** pre-dispute, inquiry, chargeback. */
  phase: string;
  respondBy: Date;
  networkReasonCode: string;
  networkReasonDescription: string | null;
  createdAt: Date;
}

/** A card refund as Moov reports it. */
export interface MoovRefund {
  refundId: string;
  /** created, pending, completed, failed. */
  status: string;
  amountCents: number;
  /** The card network's refusal (card status failed), e.g. processing-error. */
  failureCode: string | null;
  createdAt: Date;
}

export interface CreateTransferInput {
  /** Derived from business ids (e.g. `payment-<id>`); longer than 36 characters is hashed to a UUID. */
  idempotencyKey: string;
  sourcePaymentMethodId: string;
  destinationPaymentMethodId: string;
  amountCents: number;
  description?: string;
  /** Our id for the transfer (e.g. the payment id): Moov lets us list transfers by it. */
  foreignId?: string;
  metadata?: Record<string, string>;
  /** What the customer's bank statement shows for ACH (10 characters). */
  achEntryDescription?: string;
  /** Which side is the bank leg the entry description belongs to: `destination` for a credit back to a bank account. */
  achEntrySide?: 'source' | 'destination';
}

export type ReversalResult =
  | { kind: 'cancellation'; cancellationId: string; status: string }
  | { kind: 'refund'; refundId: string; status: string; amountCents: number };

export interface CardLinkToken {
  /** Bearer token limited to linking cards to this one account, valid for `expiresInSeconds`. */
  accessToken: string;
  expiresInSeconds: number;
  scope: string;
  /** Where the browser POSTs the card (Moov's LinkCard body) with `Authorization: Bearer <accessToken>`. */
  cardsUrl: string;
}

export type MoovErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'idempotency-key-reused'
  | 'validation'
  | 'rate-limited'
  | 'unavailable'
  | 'network'
  | 'timeout'
  | 'unexpected-response'
  | 'invalid-request'
  | 'unexpected';

/** A Moov call failed; `retryable` is true only when the same call (same idempotency key) may succeed later. */
export class MoovIntegrationError extends Error {
  constructor(
    message: string,
    readonly code: MoovErrorCode,
    readonly retryable: boolean,
    readonly status: number | null,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'MoovIntegrationError';
  }
}

/** Payment-method types a customer pays with. */
export const PAY_IN_TYPES = ['ach-debit-collect', 'card-payment'] as const;

const MOOV_MAX_IDEMPOTENCY_KEY = 36;
const KEY_NAMESPACE = Buffer.from('6f1c2a8e5b9d4c7a8e3f0b1d2c4a6e80', 'hex');

/**
 * Moov accepts keys of up to 36 characters; a longer key is mapped to a name-based UUID
 * (version 5 layout, SHA-1 over a fixed namespace), so it stays deterministic.
 */
export function moovIdempotencyKey(key: string): string {
  if (key.length === 0) throw new MoovIntegrationError('idempotency key is empty', 'invalid-request', false, null);
  if (key.length <= MOOV_MAX_IDEMPOTENCY_KEY) return key;
  const hash = createHash('sha1').update(KEY_NAMESPACE).update(key).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class MoovClient {
  private readonly sdk: Moov;
  readonly facilitatorAccountId: string;
  private readonly baseUrl: string;
  /** Where a customer's browser reaches Moov (the card form posts there); the server's own address otherwise. */
  private readonly browserUrl: string;

  constructor(options: MoovClientOptions) {
    this.baseUrl = options.url.replace(/\/$/, '');
    this.browserUrl = (options.browserUrl ?? options.url).replace(/\/$/, '');
    this.facilitatorAccountId = options.facilitatorAccountId;
    this.sdk = new Moov({
      serverURL: this.baseUrl,
      security: { username: options.publicKey, password: options.secretKey },
      timeoutMs: options.timeoutMs ?? 15_000,
    });
  }

  // ---- accounts -----------------------------------------------------------------------

  /** The Moov account for `foreignId`, created as a business account the first time. */
  async ensureBusinessAccount(input: { foreignId: string; legalName: string; email?: string }): Promise<string> {
    const existing = await call(() => this.sdk.accounts.list({ foreignID: input.foreignId, count: 1 }));
    const found = existing.result[0];
    if (found) return found.accountID;
    const created = await call(() =>
      this.sdk.accounts.create({
        accountType: 'business',
        profile: { business: { legalBusinessName: input.legalName, ...(input.email ? { email: input.email } : {}) } },
        foreignID: input.foreignId,
        capabilities: ['transfers', 'send-funds', 'collect-funds', 'wallet'],
      }),
    );
    return created.result.accountID;
  }

  /** An existing account by its id (a dealer attaching the account it already holds); `not-found` when Moov has none. */
  async getAccount(accountId: string): Promise<{ accountId: string; displayName: string; foreignId: string | null }> {
    const response = await call(() => this.sdk.accounts.get({ accountID: accountId }));
    return { accountId: response.result.accountID, displayName: response.result.displayName, foreignId: response.result.foreignID ?? null };
  }

  /** A customer company's account (pays by ACH or card); store the id in customer_companies.moov_account_id. */
  ensureCustomerAccount(company: { id: string; name: string; email?: string }): Promise<string> {
    return this.ensureBusinessAccount({ foreignId: `company-${company.id}`, legalName: company.name, email: company.email });
  }

  /** A dealer's account (receives payments in its wallet); store the id in dealers.moov_account_id. */
  ensureDealerAccount(dealer: { id: string; name: string; email?: string }): Promise<string> {
    return this.ensureBusinessAccount({ foreignId: `dealer-${dealer.id}`, legalName: dealer.name, email: dealer.email });
  }

  // ---- payment methods ----------------------------------------------------------------

  /** Links the bank account behind a Plaid processor token; returns its pull (ach-debit-collect) payment method. */
  async linkBankAccountFromPlaid(accountId: string, processorToken: string): Promise<MoovPaymentMethod> {
    const bank = await call(() =>
      this.sdk.bankAccounts.link({ accountID: accountId, xWaitFor: 'payment-method', linkBankAccount: { plaid: { token: processorToken } } }),
    );
    const methods = await this.listPaymentMethods(accountId, { types: ['ach-debit-collect'], sourceId: bank.result.bankAccountID });
    const method = methods[0];
    if (!method) throw new MoovIntegrationError(`bank account ${bank.result.bankAccountID} has no debit payment method (status ${bank.result.status})`, 'conflict', false, null);
    return method;
  }

  /**
   * A token the customer's browser uses to send a card straight to Moov, so card numbers never
   * reach Drypowder. Short-lived and limited to linking cards to this account.
   */
  async createCardLinkToken(accountId: string): Promise<CardLinkToken> {
    const scope = `/accounts/${accountId}/cards.write`;
    const token = await call(() => this.sdk.authentication.createAccessToken({ grantType: 'client_credentials', scope }));
    return {
      accessToken: token.result.accessToken,
      expiresInSeconds: token.result.expiresIn,
      scope: token.result.scope,
      cardsUrl: `${this.browserUrl}/accounts/${encodeURIComponent(accountId)}/cards`,
    };
  }

  /** The account's usable payment methods; by default only the ones a customer pays with. */
  async listPaymentMethods(accountId: string, options: { types?: readonly string[]; sourceId?: string } = {}): Promise<MoovPaymentMethod[]> {
    const types = options.types ?? PAY_IN_TYPES;
    const response = await call(() => this.sdk.paymentMethods.list({ accountID: accountId, ...(options.sourceId ? { sourceID: options.sourceId } : {}) }));
    return response.result.filter((method) => types.includes(method.paymentMethodType)).map(toPaymentMethod);
  }

  async getPaymentMethod(accountId: string, paymentMethodId: string): Promise<MoovPaymentMethod> {
    const response = await call(() => this.sdk.paymentMethods.get({ accountID: accountId, paymentMethodID: paymentMethodId }));
    return toPaymentMethod(response.result);
  }

  /** The account's wallet payment method: where a dealer's payments land. */
  async walletPaymentMethodId(accountId: string): Promise<string> {
    const [wallet] = await this.listPaymentMethods(accountId, { types: ['moov-wallet'] });
    if (!wallet) throw new MoovIntegrationError(`account ${accountId} has no wallet`, 'not-found', false, null);
    return wallet.paymentMethodId;
  }

  /** The credit-back method for a linked bank account (refunding an ACH payment that already cleared). */
  async achCreditPaymentMethodId(accountId: string, bankAccountId: string): Promise<string> {
    const [credit] = await this.listPaymentMethods(accountId, { types: ['ach-credit-standard'], sourceId: bankAccountId });
    if (!credit) throw new MoovIntegrationError(`bank account ${bankAccountId} cannot receive credits`, 'not-found', false, null);
    return credit.paymentMethodId;
  }

  async removeBankAccount(accountId: string, bankAccountId: string): Promise<void> {
    await call(() => this.sdk.bankAccounts.disable({ accountID: accountId, bankAccountID: bankAccountId }));
  }

  async removeCard(accountId: string, cardId: string): Promise<void> {
    await call(() => this.sdk.cards.disable({ accountID: accountId, cardID: cardId }));
  }

  // ---- transfers ----------------------------------------------------------------------

  /**
   * Creates the transfer, or returns the one this idempotency key already created
   * (`replayed: true`). The same key with a different request fails with
   * `idempotency-key-reused` (not retryable).
   */
  async createTransfer(input: CreateTransferInput): Promise<MoovTransferState & { replayed: boolean }> {
    if (!Number.isInteger(input.amountCents) || input.amountCents <= 0) {
      throw new MoovIntegrationError('amountCents must be a positive integer', 'invalid-request', false, null);
    }
    const achDetails = input.achEntryDescription ? { achDetails: { companyEntryDescription: input.achEntryDescription.slice(0, 10) } } : {};
    const onDestination = input.achEntrySide === 'destination';
    const request = {
      accountID: this.facilitatorAccountId,
      xIdempotencyKey: moovIdempotencyKey(input.idempotencyKey),
      xWaitFor: 'rail-response' as const,
      createTransfer: {
        source: { paymentMethodID: input.sourcePaymentMethodId, ...(onDestination ? {} : achDetails) },
        destination: { paymentMethodID: input.destinationPaymentMethodId, ...(onDestination ? achDetails : {}) },
        amount: { currency: 'USD', value: input.amountCents },
        ...(input.description ? { description: input.description } : {}),
        ...(input.foreignId ? { foreignID: input.foreignId } : {}),
        ...(input.metadata ? { metadata: input.metadata } : {}),
      },
    };
    try {
      const response = await this.sdk.transfers.create(request);
      const result = response.result;
      // Without a rail answer in time Moov returns only the id; read the rest.
      const transfer = 'status' in result && result.status && 'source' in result && result.source ? (result as components.Transfer) : undefined;
      return { ...(transfer ? toTransferState(transfer) : await this.getTransfer(result.transferID)), replayed: false };
    } catch (error) {
      // Moov answers a repeated key with 409 and the transfer that key created.
      if (error instanceof errors.Transfer) return { ...toTransferState(error.data$ as components.Transfer), replayed: true };
      throw toMoovError(error);
    }
  }

  async getTransfer(transferId: string): Promise<MoovTransferState> {
    const response = await call(() => this.sdk.transfers.get({ accountID: this.facilitatorAccountId, transferID: transferId }));
    return toTransferState(response.result);
  }

  /** Newest first; for the reconciliation poll (`foreignId` finds the transfer of one payment). */
  async listTransfers(filter: { status?: MoovTransferStatus; foreignId?: string; accountIds?: string[]; since?: Date; skip?: number; count?: number } = {}): Promise<MoovTransferState[]> {
    const response = await call(() =>
      this.sdk.transfers.list({
        accountID: this.facilitatorAccountId,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.accountIds?.length ? { accountIDs: filter.accountIds } : {}),
        ...(filter.foreignId ? { foreignID: filter.foreignId } : {}),
        ...(filter.since ? { startDateTime: filter.since } : {}),
        skip: filter.skip ?? 0,
        count: filter.count ?? 200,
      }),
    );
    return response.result.map(toTransferState);
  }

  /**
   * Stops a transfer before it reaches the network (ACH not yet originated, card not yet
   * settled). `failed` means it is too late: refund or credit back instead.
   */
  async cancelTransfer(transferId: string): Promise<{ cancellationId: string; status: string }> {
    const response = await call(() => this.sdk.transfers.createCancellation({ accountID: this.facilitatorAccountId, transferID: transferId }));
    return { cancellationId: response.result.cancellationID, status: response.result.status };
  }

  /** Card transfers: cancels while possible, otherwise refunds `amountCents`. Idempotent per key. */
  async reverseTransfer(input: { transferId: string; idempotencyKey: string; amountCents: number }): Promise<ReversalResult> {
    const response = await call(() =>
      this.sdk.transfers.createReversal({
        accountID: this.facilitatorAccountId,
        transferID: input.transferId,
        xIdempotencyKey: moovIdempotencyKey(input.idempotencyKey),
        createReversal: { amount: input.amountCents },
      }),
    );
    const result = response.result;
    if ('cancellation' in result) return { kind: 'cancellation', cancellationId: result.cancellation.cancellationID, status: result.cancellation.status };
    return { kind: 'refund', refundId: result.refund.refundID, status: result.refund.status, amountCents: result.refund.amount.value };
  }

  /**
   * Refunds a settled card transfer (all that is left when `amountCents` is omitted). Idempotent
   * per key: the same key answers with the refund it created (`replayed: true`). More than is
   * left to refund fails with `validation` (Moov's 422 `{amount}`).
   */
  async refundTransfer(input: { transferId: string; idempotencyKey: string; amountCents?: number }): Promise<MoovRefund & { replayed: boolean }> {
    try {
      const response = await this.sdk.transfers.initiateRefund({
        accountID: this.facilitatorAccountId,
        transferID: input.transferId,
        xIdempotencyKey: moovIdempotencyKey(input.idempotencyKey),
        createRefund: input.amountCents === undefined ? {} : { amount: input.amountCents },
      });
      const refund = response.result;
      // Without a rail answer Moov returns only the id, amount and creation time: Moov's `created`.
      return 'status' in refund ? { ...toRefund(refund), replayed: false } : { refundId: refund.refundID, status: 'created', amountCents: refund.amount.value, failureCode: null, createdAt: refund.createdOn, replayed: false };
    } catch (error) {
      if (error instanceof errors.CardAcquiringRefund) {
        return { refundId: error.refundID, status: error.status, amountCents: error.amount.value, failureCode: error.cardDetails?.failureCode ?? null, createdAt: error.createdOn, replayed: true };
      }
      throw toMoovError(error);
    }
  }

  /** Every refund of a card transfer, oldest first. */
  async listRefunds(transferId: string): Promise<MoovRefund[]> {
    const response = await call(() => this.sdk.transfers.listRefunds({ accountID: this.facilitatorAccountId, transferID: transferId }));
    return response.result.map(toRefund);
  }

  /** Disputes on the given transfers (all disputes the partner sees when none are given), newest first. */
  async listDisputes(filter: { transferIds?: string[]; skip?: number; count?: number } = {}): Promise<MoovDispute[]> {
    const response = await call(() =>
      this.sdk.disputes.list({
        accountID: this.facilitatorAccountId,
        ...(filter.transferIds?.length ? { transferIDs: filter.transferIds } : {}),
        skip: filter.skip ?? 0,
        count: filter.count ?? 200,
      }),
    );
    return response.result.map(toDispute);
  }

  async getDispute(disputeId: string): Promise<MoovDispute> {
    const response = await call(() => this.sdk.disputes.get({ accountID: this.facilitatorAccountId, disputeID: disputeId }));
    return toDispute(response.result);
  }
}

export function createMoovClient(config: { MOOV_URL: string; MOOV_BROWSER_URL?: string; MOOV_PUBLIC_KEY: string; MOOV_SECRET_KEY: string; MOOV_FACILITATOR_ACCOUNT_ID: string }): MoovClient {
  return new MoovClient({
    url: config.MOOV_URL,
    browserUrl: config.MOOV_BROWSER_URL,
    publicKey: config.MOOV_PUBLIC_KEY,
    secretKey: config.MOOV_SECRET_KEY,
    facilitatorAccountId: config.MOOV_FACILITATOR_ACCOUNT_ID,
  });
}

// ---- mapping ----------------------------------------------------------------------------

const FUNDING = new Set<string>(['credit', 'debit', 'prepaid', 'unknown']);

export function toPaymentMethod(method: components.PaymentMethod): MoovPaymentMethod {
  if (!('paymentMethodID' in method)) throw new MoovIntegrationError(`unsupported payment method type ${method.paymentMethodType}`, 'unexpected-response', false, null);
  const base = { paymentMethodId: method.paymentMethodID, paymentMethodType: method.paymentMethodType, last4: null, bankName: null, cardBrand: null, cardFunding: null, billingState: null, bankStatus: null };
  if ('bankAccount' in method && method.bankAccount) {
    const bank = method.bankAccount;
    return { ...base, kind: 'ach', sourceId: bank.bankAccountID, label: `${bank.bankName} ····${bank.lastFourAccountNumber}`, last4: bank.lastFourAccountNumber, bankName: bank.bankName, bankStatus: bank.status };
  }
  if ('card' in method && method.card) {
    const card = method.card;
    const funding = (FUNDING.has(card.cardType) ? card.cardType : 'unknown') as CardFunding;
    return {
      ...base,
      kind: 'card',
      sourceId: card.cardID,
      label: `${card.brand} ${funding} ····${card.lastFourCardNumber}`,
      last4: card.lastFourCardNumber,
      cardBrand: card.brand,
      cardFunding: funding,
      // Moov's card-link Drop collects the ZIP alone; the fee rules need the state it is in.
      billingState: card.billingAddress.stateOrProvince ?? stateForZip(card.billingAddress.postalCode),
    };
  }
  if ('wallet' in method && method.wallet) return { ...base, kind: 'wallet', sourceId: method.wallet.walletID, label: 'Moov wallet' };
  throw new MoovIntegrationError(`unsupported payment method type ${method.paymentMethodType}`, 'unexpected-response', false, null);
}

const legRail = (type: string): MoovTransferState['rail'] => (type.startsWith('ach-') ? 'ach' : type.includes('card') ? 'card' : 'wallet');

export function toTransferState(transfer: components.Transfer): MoovTransferState {
  const achLeg = transfer.source.achDetails ?? transfer.destination.achDetails;
  const card = transfer.source.cardDetails;
  const sourceRail = legRail(transfer.source.paymentMethodType);
  return {
    transferId: transfer.transferID,
    status: transfer.status as MoovTransferStatus,
    amountCents: transfer.amount.value,
    rail: sourceRail !== 'wallet' ? sourceRail : legRail(transfer.destination.paymentMethodType),
    createdAt: transfer.createdOn,
    completedAt: transfer.completedOn ?? null,
    failureReason: transfer.failureReason ?? null,
    ach: achLeg
      ? {
          status: achLeg.status ?? null,
          returnCode: achLeg.return?.code ?? null,
          returnReason: achLeg.return?.reason ?? null,
          correctionCode: achLeg.correction?.code ?? null,
          initiatedAt: achLeg.initiatedOn ?? null,
          originatedAt: achLeg.originatedOn ?? null,
          completedAt: achLeg.completedOn ?? null,
          returnedAt: achLeg.returnedOn ?? null,
        }
      : null,
    card: card
      ? {
          status: card.status ?? null,
          failureCode: card.failureCode ?? null,
          authorizationCode: card.authorizationCode ?? null,
          confirmedAt: card.confirmedOn ?? null,
          settledAt: card.settledOn ?? null,
        }
      : null,
    refundedCents: transfer.refundedAmount?.value ?? 0,
    disputedCents: transfer.disputedAmount?.value ?? 0,
    cancellations: (transfer.cancellations ?? []).map((c) => ({ cancellationId: c.cancellationID, status: c.status })),
    foreignId: transfer.foreignID ?? null,
    metadata: transfer.metadata ?? {},
    sourcePaymentMethodId: transfer.source.paymentMethodID,
    destinationPaymentMethodId: transfer.destination.paymentMethodID,
    sourceAccountId: transfer.source.account.accountID,
    destinationAccountId: transfer.destination.account.accountID,
    sourceBankAccountId: transfer.source.bankAccount?.bankAccountID ?? null,
  };
}

export function toRefund(refund: components.CardAcquiringRefund): MoovRefund {
  return {
    refundId: refund.refundID,
    status: refund.status,
    amountCents: refund.amount.value,
    failureCode: refund.cardDetails?.failureCode ?? null,
    createdAt: refund.createdOn,
  };
}

export function toDispute(dispute: components.Dispute): MoovDispute {
  return {
    disputeId: dispute.disputeID,
    transferId: dispute.transfer.transferID,
    merchantAccountId: dispute.merchantAccountID,
    amountCents: dispute.amount.value,
    status: dispute.status,
    phase: dispute.phase,
    respondBy: dispute.respondBy,
    networkReasonCode: dispute.networkReasonCode,
    networkReasonDescription: dispute.networkReasonDescription ?? null,
    createdAt: dispute.createdOn,
  };
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toMoovError(error);
  }
}

/** The one place SDK failures become Drypowder errors, each marked retryable or not. */
export function toMoovError(error: unknown): MoovIntegrationError {
  if (error instanceof MoovIntegrationError) return error;
  if (error instanceof errors.RequestTimeoutError) return new MoovIntegrationError(`Moov did not answer in time: ${error.message}`, 'timeout', true, null);
  if (error instanceof errors.ConnectionError || error instanceof errors.RequestAbortedError) {
    return new MoovIntegrationError(`Moov unreachable: ${error.message}`, 'network', true, null);
  }
  // The SDK recognises a refused connection by `instanceof TypeError`, which fails when fetch comes
  // from another realm (test sandboxes); the cause still says what happened.
  if (error instanceof errors.UnexpectedClientError && /fetch failed|ECONNREFUSED|ECONNRESET|socket/i.test(String((error.cause as Error | undefined)?.message ?? ''))) {
    return new MoovIntegrationError(`Moov unreachable: ${(error.cause as Error).message}`, 'network', true, null);
  }
  if (error instanceof errors.SDKValidationError) return new MoovIntegrationError(`request rejected by the Moov SDK: ${error.message}`, 'invalid-request', false, null);
  if (error instanceof errors.ResponseValidationError) {
    return new MoovIntegrationError(`Moov answered with an unexpected body: ${error.message}`, 'unexpected-response', false, error.statusCode);
  }
  if (error instanceof errors.MoovError) {
    const status = error.statusCode;
    const data = (error as { data$?: unknown }).data$;
    const details = data && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
    const message = typeof details?.error === 'string' ? details.error : error.message;
    if (status === 429) return new MoovIntegrationError(message, 'rate-limited', true, status, details);
    if (status >= 500) return new MoovIntegrationError(message, 'unavailable', true, status, details);
    if (status === 401) return new MoovIntegrationError(message, 'unauthorized', false, status, details);
    if (status === 403) return new MoovIntegrationError(message, 'forbidden', false, status, details);
    if (status === 404) return new MoovIntegrationError(message, 'not-found', false, status, details);
    if (status === 409) return new MoovIntegrationError(message, 'conflict', false, status, details);
    if (status === 422) return new MoovIntegrationError(`Moov refused the request: ${JSON.stringify(details ?? {})}`, 'validation', false, status, details);
    if (/idempotency-key/i.test(message)) return new MoovIntegrationError(message, 'idempotency-key-reused', false, status, details);
    return new MoovIntegrationError(message, 'bad-request', false, status, details);
  }
  return new MoovIntegrationError(error instanceof Error ? error.message : String(error), 'unexpected', false, null);
}

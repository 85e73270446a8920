import type {
  AccountRecord,
  BankAccountRecord,
  CancellationRecord,
  CardRecord,
  DisputeRecord,
  LegRecord,
  MoovState,
  PaymentMethodRecord,
  RefundRecord,
  TransferRecord,
} from './model';

/**
 * Records → the JSON Moov answers with (API version v2026.07.00), checked field by field
 * against the response models of @moovio/sdk v26 so the SDK parses every answer. Absent
 * optional values are left out rather than sent as null.
 */
const compact = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function accountView(account: AccountRecord) {
  return compact({
    accountID: account.accountID,
    mode: 'sandbox',
    accountType: account.accountType,
    displayName: account.displayName,
    profile: account.profile,
    metadata: account.metadata,
    foreignID: account.foreignID,
    capabilities: account.capabilities.map((capability) => ({ capability, status: 'enabled' })),
    verification: { verificationStatus: 'verified', status: 'verified' },
    createdOn: account.createdOn,
    updatedOn: account.updatedOn,
  });
}

export function bankAccountSummary(bank: BankAccountRecord) {
  return {
    bankAccountID: bank.bankAccountID,
    fingerprint: bank.fingerprint,
    status: bank.status,
    holderName: bank.holderName,
    holderType: bank.holderType,
    bankName: bank.bankName,
    bankAccountType: bank.bankAccountType,
    routingNumber: bank.routingNumber,
    lastFourAccountNumber: bank.lastFourAccountNumber,
    updatedOn: bank.updatedOn,
  };
}

export function cardSummary(card: CardRecord) {
  return compact({
    cardID: card.cardID,
    fingerprint: card.fingerprint,
    brand: card.brand,
    cardType: card.cardType,
    lastFourCardNumber: card.lastFourCardNumber,
    bin: card.bin,
    expiration: card.expiration,
    holderName: card.holderName,
    billingAddress: card.billingAddress,
    cardVerification: {
      cvv: 'match',
      addressLine1: card.billingAddress.addressLine1 ? 'match' : 'notChecked',
      postalCode: 'match',
    },
    issuer: 'Emulator Issuing Bank',
    issuerCountry: 'US',
    cardOnFile: card.cardOnFile,
    domesticPushToCard: card.cardType === 'debit' ? 'standard' : 'not-supported',
    domesticPullFromCard: card.cardType === 'debit' ? 'supported' : 'not-supported',
  });
}

const methodsOf = (state: MoovState, kind: PaymentMethodRecord['source']['kind'], id: string) =>
  Object.values(state.paymentMethods)
    .filter((method) => method.source.kind === kind && method.source.id === id && !method.disabledOn)
    .map((method) => ({ paymentMethodID: method.paymentMethodID, paymentMethodType: method.paymentMethodType }));

export function bankAccountView(state: MoovState, bank: BankAccountRecord) {
  return compact({
    ...bankAccountSummary(bank),
    statusReason: bank.statusReason,
    exceptionDetails: bank.exceptionDetails,
    paymentMethods: methodsOf(state, 'bank-account', bank.bankAccountID),
  });
}

export function cardView(state: MoovState, card: CardRecord) {
  return { ...cardSummary(card), paymentMethods: methodsOf(state, 'card', card.cardID) };
}

/** One member of Moov's PaymentMethod union (discriminated by paymentMethodType). */
export function paymentMethodView(state: MoovState, method: PaymentMethodRecord) {
  const base = { paymentMethodID: method.paymentMethodID, paymentMethodType: method.paymentMethodType };
  switch (method.source.kind) {
    case 'wallet':
      return { ...base, wallet: { walletID: method.source.id, partnerAccountID: method.accountID, walletType: 'default' } };
    case 'bank-account':
      return { ...base, bankAccount: bankAccountSummary(state.bankAccounts[method.source.id]!) };
    case 'card':
      return { ...base, card: cardSummary(state.cards[method.source.id]!) };
  }
}

export function cancellationView(cancellation: CancellationRecord) {
  return { cancellationID: cancellation.cancellationID, status: cancellation.status, createdOn: cancellation.createdOn };
}

export function refundView(refund: RefundRecord) {
  return {
    refundID: refund.refundID,
    createdOn: refund.createdOn,
    updatedOn: refund.updatedOn,
    status: refund.status,
    amount: { currency: 'USD', value: refund.amount },
    cardDetails: compact({ ...refund.card }),
  };
}

/** Moov's Dispute; `respondBy` is passed in because old records may lack it. */
export function disputeView(transfer: TransferRecord, dispute: DisputeRecord, respondBy: string) {
  return compact({
    disputeID: dispute.disputeID,
    merchantAccountID: transfer.destination.accountID,
    amount: { currency: transfer.currency, value: dispute.amount },
    networkReasonCode: dispute.networkReasonCode ?? '10.4',
    networkReasonDescription: dispute.networkReasonDescription,
    transfer: { transferID: transfer.transferID },
    respondBy,
    status: dispute.status,
    phase: dispute.phase,
    createdOn: dispute.createdOn,
    updatedOn: dispute.updatedOn ?? dispute.createdOn,
    submittedOn: dispute.submittedOn,
  });
}

export type MoovDisputeJson = ReturnType<typeof disputeView>;

function legView(state: MoovState, leg: LegRecord) {
  const account = state.accounts[leg.accountID];
  const method = state.paymentMethods[leg.paymentMethodID];
  const instrument = method ? paymentMethodView(state, method) : undefined;
  const ach = leg.ach;
  return compact({
    paymentMethodID: leg.paymentMethodID,
    paymentMethodType: leg.paymentMethodType,
    account: { accountID: leg.accountID, email: account?.email ?? '', displayName: account?.displayName ?? '' },
    bankAccount: instrument && 'bankAccount' in instrument ? instrument.bankAccount : undefined,
    card: instrument && 'card' in instrument ? instrument.card : undefined,
    wallet: instrument && 'wallet' in instrument ? instrument.wallet : undefined,
    achDetails: ach
      ? compact({
          status: ach.status,
          traceNumber: ach.traceNumber,
          return: ach.return,
          correction: ach.correction,
          companyEntryDescription: ach.companyEntryDescription,
          originatingCompanyName: ach.originatingCompanyName,
          secCode: ach.secCode,
          canceledOn: ach.canceledOn,
          initiatedOn: ach.initiatedOn,
          originatedOn: ach.originatedOn,
          correctedOn: ach.correctedOn,
          returnedOn: ach.returnedOn,
          failedOn: ach.failedOn,
          completedOn: ach.completedOn,
        })
      : undefined,
    cardDetails: leg.card ? compact({ ...leg.card }) : undefined,
  });
}

export function transferView(state: MoovState, transfer: TransferRecord) {
  const refunded = transfer.refunds.filter((refund) => refund.status !== 'failed').reduce((sum, refund) => sum + refund.amount, 0);
  return compact({
    transferID: transfer.transferID,
    createdOn: transfer.createdOn,
    source: legView(state, transfer.source),
    destination: legView(state, transfer.destination),
    completedOn: transfer.completedOn,
    status: transfer.status,
    failureReason: transfer.failureReason,
    amount: { currency: transfer.currency, value: transfer.amount },
    description: transfer.description,
    metadata: transfer.metadata,
    foreignID: transfer.foreignID,
    cancellations: transfer.cancellations.length ? transfer.cancellations.map(cancellationView) : undefined,
    refundedAmount: transfer.refunds.length ? { currency: transfer.currency, value: refunded } : undefined,
    refunds: transfer.refunds.length ? transfer.refunds.map(refundView) : undefined,
    disputedAmount: transfer.disputes?.length ? { currency: transfer.currency, value: transfer.disputes.reduce((sum, d) => sum + d.amount, 0) } : undefined,
    disputes: transfer.disputes?.length
      ? transfer.disputes.map((d) => ({ disputeID: d.disputeID, createdOn: d.createdOn, amount: { currency: transfer.currency, value: d.amount } }))
      : undefined,
  });
}

export type MoovTransferJson = ReturnType<typeof transferView>;

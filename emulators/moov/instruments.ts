import { createHash, randomUUID } from 'node:crypto';
import { describeCard, luhnValid } from './cards';
import { MoovHttpError, notFound, type EmulatorCore } from './core';
import type { AccountRecord, BankAccountRecord, CardRecord, PaymentMethodRecord, PaymentMethodType } from './model';
import { ACCOUNT_DISABLING_RETURN_CODES, returnReason } from './scenarios';

/**
 * Accounts and what can move money for them: the wallet every account gets, bank accounts
 * linked from a Plaid processor token, and cards. Each instrument exposes Moov payment
 * methods (one per way it can be used), which transfers reference.
 */
export interface PlaidProcessorAccess {
  url: string;
  clientId: string;
  secret: string;
}

/** Routing numbers of the Plaid emulator's test banks; anything else is "Emulator Bank". */
const BANK_NAMES: Record<string, string> = {
  '101000019': 'Prairie State Bank',
  '102000021': 'Timberline Credit Union',
  '103000033': 'Returns Test Bank',
};

const fingerprint = (...parts: string[]) => createHash('sha256').update(parts.join('|')).digest('hex');
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const obj = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const compact = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));

export class Instruments {
  constructor(
    private readonly core: EmulatorCore,
    private readonly plaid: PlaidProcessorAccess | undefined,
  ) {}

  private get state() {
    return this.core.state;
  }

  // ---- accounts -------------------------------------------------------------------------

  createAccount(body: Record<string, unknown>, fixedID?: string): AccountRecord {
    const accountType = body.accountType;
    const profile = obj(body.profile) ?? {};
    const errors: Record<string, unknown> = {};
    let view: Record<string, unknown> = {};
    let displayName = '';
    let email = '';
    if (accountType === 'business') {
      const business = obj(profile.business);
      const legalBusinessName = str(business?.legalBusinessName);
      if (!business || !legalBusinessName) errors.profile = { business: 'legalBusinessName is required' };
      else {
        displayName = str(business.doingBusinessAs) ?? legalBusinessName;
        email = str(business.email) ?? '';
        view = {
          business: compact({
            legalBusinessName,
            doingBusinessAs: str(business.doingBusinessAs),
            businessType: str(business.businessType),
            address: obj(business.address),
            phone: obj(business.phone),
            email: str(business.email),
            website: str(business.website),
            description: str(business.description),
            taxIDProvided: Boolean(business.taxID),
            ownersProvided: false,
            industryCodes: obj(business.industryCodes),
            industry: str(business.industry),
          }),
        };
      }
    } else if (accountType === 'individual') {
      const individual = obj(profile.individual);
      const name = obj(individual?.name);
      if (!individual || !str(name?.firstName) || !str(name?.lastName)) errors.profile = { individual: 'name.firstName and name.lastName are required' };
      else {
        displayName = `${str(name!.firstName)} ${str(name!.lastName)}`;
        email = str(individual.email) ?? '';
        view = {
          individual: compact({
            name,
            phone: obj(individual.phone),
            email: str(individual.email),
            address: obj(individual.address),
            birthDateProvided: Boolean(individual.birthDate),
            governmentIDProvided: Boolean(individual.governmentID),
          }),
        };
      }
    } else {
      errors.accountType = 'must be business or individual';
    }
    const metadata = obj(body.metadata);
    if (metadata && !Object.values(metadata).every((v) => typeof v === 'string')) errors.metadata = 'values must be strings';
    if (Object.keys(errors).length > 0) throw new MoovHttpError(422, errors);

    const now = this.core.iso();
    const accountID = fixedID ?? randomUUID();
    const walletID = randomUUID();
    const account: AccountRecord = {
      accountID,
      accountType: accountType as AccountRecord['accountType'],
      displayName,
      email,
      profile: view,
      foreignID: str(body.foreignID),
      metadata: metadata as Record<string, string> | undefined,
      capabilities: Array.isArray(body.capabilities) ? body.capabilities.filter((c): c is string => typeof c === 'string') : [],
      createdOn: now,
      updatedOn: now,
      walletID,
    };
    this.state.accounts[accountID] = account;
    this.state.wallets[walletID] = { walletID, accountID, createdOn: now };
    this.core.emit('account.created', { accountID, ...(account.foreignID ? { foreignID: account.foreignID } : {}) });
    this.addPaymentMethods(accountID, 'wallet', walletID, ['moov-wallet']);
    return account;
  }

  account(accountID: string): AccountRecord {
    const account = this.state.accounts[accountID];
    if (!account) throw notFound('account');
    return account;
  }

  listAccounts(filter: { foreignID?: string; email?: string; name?: string; type?: string; skip: number; count: number }): AccountRecord[] {
    const name = filter.name?.toLowerCase();
    return Object.values(this.state.accounts)
      .filter((a) => a.accountID !== this.core.partnerAccountID)
      .filter((a) => !filter.foreignID || a.foreignID === filter.foreignID)
      .filter((a) => !filter.email || a.email.toLowerCase() === filter.email.toLowerCase())
      .filter((a) => !name || a.displayName.toLowerCase().includes(name))
      .filter((a) => !filter.type || a.accountType === filter.type)
      .sort((a, b) => b.createdOn.localeCompare(a.createdOn))
      .slice(filter.skip, filter.skip + filter.count);
  }

  // ---- payment methods ------------------------------------------------------------------

  private addPaymentMethods(accountID: string, kind: PaymentMethodRecord['source']['kind'], id: string, types: PaymentMethodType[]): void {
    const now = this.core.iso();
    for (const paymentMethodType of types) {
      const paymentMethodID = randomUUID();
      this.state.paymentMethods[paymentMethodID] = { paymentMethodID, accountID, paymentMethodType, source: { kind, id }, createdOn: now };
      this.core.emit('paymentMethod.enabled', { accountID, paymentMethodID, sourceID: id });
    }
    this.core.changed();
  }

  private disablePaymentMethods(kind: PaymentMethodRecord['source']['kind'], id: string): void {
    for (const method of Object.values(this.state.paymentMethods)) {
      if (method.source.kind === kind && method.source.id === id && !method.disabledOn) {
        method.disabledOn = this.core.iso();
        this.core.emit('paymentMethod.disabled', { accountID: method.accountID, paymentMethodID: method.paymentMethodID, sourceID: method.source.id });
      }
    }
    this.core.changed();
  }

  listPaymentMethods(accountID: string, filter: { paymentMethodType?: string; sourceID?: string }): PaymentMethodRecord[] {
    this.account(accountID);
    return Object.values(this.state.paymentMethods)
      .filter((m) => m.accountID === accountID && !m.disabledOn)
      .filter((m) => !filter.paymentMethodType || m.paymentMethodType === filter.paymentMethodType)
      .filter((m) => !filter.sourceID || m.source.id === filter.sourceID)
      .sort((a, b) => a.createdOn.localeCompare(b.createdOn));
  }

  paymentMethod(accountID: string, paymentMethodID: string): PaymentMethodRecord {
    const method = this.state.paymentMethods[paymentMethodID];
    if (!method || method.accountID !== accountID || method.disabledOn) throw notFound('payment method');
    return method;
  }

  // ---- bank accounts --------------------------------------------------------------------

  async linkBankAccount(accountID: string, body: Record<string, unknown>): Promise<BankAccountRecord> {
    const account = this.account(accountID);
    const plaid = obj(body.plaid);
    if (!plaid) {
      const field = body.plaidLink ? 'plaidLink' : body.mx ? 'mx' : 'account';
      throw new MoovHttpError(422, { [field]: 'the emulator links bank accounts from a Plaid processor token only: send { plaid: { token } }' });
    }
    const token = str(plaid.token);
    if (!token) throw new MoovHttpError(422, { plaid: 'token is required' });
    if (!this.plaid) throw new MoovHttpError(422, { plaid: 'this emulator was started without a Plaid URL' });

    const numbers = await this.redeemProcessorToken(token);
    const print = fingerprint(numbers.routing, numbers.account);
    const existing = Object.values(this.state.bankAccounts).find((b) => b.accountID === accountID && b.fingerprint === print && !b.deletedOn);
    if (existing) return existing;

    const now = this.core.iso();
    const bank: BankAccountRecord = {
      bankAccountID: randomUUID(),
      accountID,
      fingerprint: print,
      // A Plaid-verified account is instantly verified at Moov.
      status: 'verified',
      statusReason: 'verification-successful',
      holderName: account.displayName,
      holderType: account.accountType,
      bankName: BANK_NAMES[numbers.routing] ?? 'Emulator Bank',
      bankAccountType: numbers.subtype === 'savings' ? 'savings' : 'checking',
      routingNumber: numbers.routing,
      accountNumber: numbers.account,
      lastFourAccountNumber: numbers.account.slice(-4),
      createdOn: now,
      updatedOn: now,
    };
    this.state.bankAccounts[bank.bankAccountID] = bank;
    this.core.emit('bankAccount.created', { accountID, bankAccountID: bank.bankAccountID, status: bank.status });
    this.addPaymentMethods(accountID, 'bank-account', bank.bankAccountID, ['ach-debit-collect', 'ach-debit-fund', 'ach-credit-standard', 'ach-credit-same-day']);
    return bank;
  }

  private async redeemProcessorToken(token: string): Promise<{ account: string; routing: string; subtype: string | null }> {
    let response: Response;
    try {
      response = await fetch(`${this.plaid!.url.replace(/\/$/, '')}/processor/auth/get`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: this.plaid!.clientId, secret: this.plaid!.secret, processor_token: token }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new MoovHttpError(500, { error: `could not reach Plaid: ${(error as Error).message}` });
    }
    const body = (await response.json().catch(() => ({}))) as {
      error_code?: string;
      error_message?: string;
      numbers?: { ach?: { account?: string; routing?: string } };
      account?: { subtype?: string | null };
    };
    if (!response.ok) {
      if (response.status >= 500) throw new MoovHttpError(500, { error: `Plaid error: ${body.error_message ?? response.status}` });
      throw new MoovHttpError(422, { plaid: `Plaid refused the processor token (${body.error_code ?? response.status}): ${body.error_message ?? ''}`.trim() });
    }
    const ach = body.numbers?.ach;
    if (!ach?.account || !ach.routing) throw new MoovHttpError(422, { plaid: 'Plaid returned no ACH numbers for this account' });
    return { account: ach.account, routing: ach.routing, subtype: body.account?.subtype ?? null };
  }

  bankAccount(accountID: string, bankAccountID: string): BankAccountRecord {
    const bank = this.state.bankAccounts[bankAccountID];
    if (!bank || bank.accountID !== accountID || bank.deletedOn) throw notFound('bank account');
    return bank;
  }

  listBankAccounts(accountID: string): BankAccountRecord[] {
    this.account(accountID);
    return Object.values(this.state.bankAccounts).filter((b) => b.accountID === accountID && !b.deletedOn);
  }

  deleteBankAccount(accountID: string, bankAccountID: string): void {
    const bank = this.bankAccount(accountID, bankAccountID);
    bank.deletedOn = this.core.iso();
    this.disablePaymentMethods('bank-account', bankAccountID);
    this.core.emit('bankAccount.deleted', { accountID, bankAccountID, status: bank.status });
  }

  /** What Moov does to the bank account after an ACH return: account-level codes make it unusable. */
  applyReturn(bankAccountID: string, code: string): void {
    const bank = this.state.bankAccounts[bankAccountID];
    if (!bank || !ACCOUNT_DISABLING_RETURN_CODES.has(code) || bank.status === 'errored') return;
    bank.status = 'errored';
    bank.statusReason = 'ach-debit-return';
    bank.exceptionDetails = { achReturnCode: code, description: returnReason(code) };
    bank.updatedOn = this.core.iso();
    this.disablePaymentMethods('bank-account', bankAccountID);
    this.core.emit('bankAccount.updated', {
      accountID: bank.accountID,
      bankAccountID,
      status: bank.status,
      statusReason: bank.statusReason,
      exceptionDetails: bank.exceptionDetails,
    });
  }

  // ---- cards ----------------------------------------------------------------------------

  linkCard(accountID: string, body: Record<string, unknown>): CardRecord {
    this.account(accountID);
    const errors: Record<string, string> = {};
    const number = str(body.cardNumber)?.replace(/[\s-]/g, '') ?? '';
    if (!/^\d{13,19}$/.test(number) || !luhnValid(number)) errors.cardNumber = 'not a valid card number';
    const cvv = str(body.cardCvv) ?? '';
    if (!/^\d{3,4}$/.test(cvv)) errors.cardCvv = 'must be 3 or 4 digits';
    const expiration = obj(body.expiration);
    const month = str(expiration?.month) ?? '';
    const year = str(expiration?.year) ?? '';
    if (!/^(0[1-9]|1[0-2])$/.test(month) || !/^\d{2}$/.test(year)) errors.expiration = 'month must be 01–12 and year two digits';
    else {
      const now = new Date(this.core.now());
      const expiresAfter = Date.UTC(2000 + Number(year), Number(month), 1);
      if (expiresAfter <= now.getTime()) errors.expiration = 'card has expired';
    }
    const billing = obj(body.billingAddress);
    const postalCode = str(billing?.postalCode);
    if (!postalCode) errors.billingAddress = 'postalCode is required';
    if (Object.keys(errors).length > 0) throw new MoovHttpError(422, errors);

    const print = fingerprint(number, month, year);
    const duplicate = Object.values(this.state.cards).find((c) => c.accountID === accountID && c.fingerprint === print && !c.deletedOn);
    if (duplicate) throw new MoovHttpError(409, { error: 'this card is already linked to the account', existingCardID: duplicate.cardID });

    const known = describeCard(number);
    const now = this.core.iso();
    const card: CardRecord = {
      cardID: randomUUID(),
      accountID,
      fingerprint: print,
      brand: known.brand,
      cardType: known.cardType,
      bin: number.slice(0, 6),
      lastFourCardNumber: number.slice(-4),
      expiration: { month, year },
      holderName: str(body.holderName),
      billingAddress: compact({
        addressLine1: str(billing?.addressLine1),
        addressLine2: str(billing?.addressLine2),
        city: str(billing?.city),
        stateOrProvince: str(billing?.stateOrProvince),
        postalCode: postalCode!,
        country: str(billing?.country) ?? 'US',
      }) as CardRecord['billingAddress'],
      cardOnFile: body.cardOnFile === true,
      alwaysDeclines: known.alwaysDeclines,
      createdOn: now,
      updatedOn: now,
    };
    this.state.cards[card.cardID] = card;
    this.addPaymentMethods(accountID, 'card', card.cardID, ['card-payment']);
    return card;
  }

  card(accountID: string, cardID: string): CardRecord {
    const card = this.state.cards[cardID];
    if (!card || card.accountID !== accountID || card.deletedOn) throw notFound('card');
    return card;
  }

  listCards(accountID: string): CardRecord[] {
    this.account(accountID);
    return Object.values(this.state.cards).filter((c) => c.accountID === accountID && !c.deletedOn);
  }

  deleteCard(accountID: string, cardID: string): void {
    const card = this.card(accountID, cardID);
    card.deletedOn = this.core.iso();
    this.disablePaymentMethods('card', cardID);
  }
}

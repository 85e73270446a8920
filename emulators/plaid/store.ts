import { randomUUID } from 'node:crypto';
import { findInstitution, type TestAccount, type TestInstitution } from './institutions';
import type { SigningKeyRecord } from './webhooks';

/**
 * Everything the Plaid emulator remembers: link tokens (with the Link sessions opened on
 * them), single-use public tokens, items with their access tokens, and processor tokens.
 * Plain records so the whole thing can be written to disk as JSON.
 */
export interface LinkSession {
  linkSessionId: string;
  startedAt: string;
  finishedAt?: string;
  publicToken?: string;
  institutionId?: string;
  accountIds?: string[];
}

export interface LinkTokenRecord {
  linkToken: string;
  createdAt: string;
  expiresAt: string;
  clientName: string;
  language: string;
  countryCodes: string[];
  products: string[];
  clientUserId: string;
  redirectUri?: string;
  webhook?: string;
  hostedLink: boolean;
  /** Update mode: the link token was created with this item's access token, to repair its login. */
  updateItemId?: string;
  sessions: LinkSession[];
}

export interface PublicTokenRecord {
  publicToken: string;
  itemId: string;
  createdAt: string;
  expiresAt: string;
  exchangedAt?: string;
}

export interface ItemAccount {
  accountId: string;
  key: string;
}

/** What `/item/get` reports and an `ITEM` `ERROR` webhook carries while the item needs its login repaired. */
export interface ItemError {
  error_type: 'ITEM_ERROR';
  error_code: 'ITEM_LOGIN_REQUIRED' | 'USER_PERMISSION_REVOKED';
  error_message: string;
  display_message: string | null;
}

export interface ItemRecord {
  itemId: string;
  institutionId: string;
  accounts: ItemAccount[];
  products: string[];
  webhook?: string;
  createdAt: string;
  accessToken?: string;
  removedAt?: string;
  error?: ItemError | null;
}

export interface ProcessorTokenRecord {
  processorToken: string;
  processor: string;
  itemId: string;
  accountId: string;
  createdAt: string;
}

export interface PlaidState {
  linkTokens: Record<string, LinkTokenRecord>;
  publicTokens: Record<string, PublicTokenRecord>;
  items: Record<string, ItemRecord>;
  accessTokens: Record<string, string>;
  processorTokens: Record<string, ProcessorTokenRecord>;
  /** The key webhooks are signed with; made on first start. */
  signingKey?: SigningKeyRecord;
}

export const emptyPlaidState = (): PlaidState => ({ linkTokens: {}, publicTokens: {}, items: {}, accessTokens: {}, processorTokens: {} });

/** A Plaid-shaped failure: the SDK surfaces the body to callers as `error.response.data`. */
export class PlaidApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly errorCode: string,
    message: string,
    readonly displayMessage: string | null = null,
  ) {
    super(message);
  }
}

const LINK_TOKEN_TTL_MS = 4 * 60 * 60 * 1000;
const PUBLIC_TOKEN_TTL_MS = 30 * 60 * 1000;
const env = 'sandbox';

/** Plaid account ids are opaque and unique per item. */
const accountIdFor = () => randomUUID().replace(/-/g, '').slice(0, 24);

export interface ResolvedAccount {
  item: ItemRecord;
  institution: TestInstitution;
  itemAccount: ItemAccount;
  template: TestAccount;
}

export class PlaidStore {
  constructor(
    readonly state: PlaidState,
    private readonly changed: () => void,
  ) {}

  createLinkToken(input: Omit<LinkTokenRecord, 'linkToken' | 'createdAt' | 'expiresAt' | 'sessions'>): LinkTokenRecord {
    const now = Date.now();
    const record: LinkTokenRecord = {
      ...input,
      linkToken: `link-${env}-${randomUUID()}`,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + LINK_TOKEN_TTL_MS).toISOString(),
      sessions: [],
    };
    this.state.linkTokens[record.linkToken] = record;
    this.changed();
    return record;
  }

  liveLinkToken(linkToken: string): LinkTokenRecord {
    const record = this.state.linkTokens[linkToken];
    if (!record) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_LINK_TOKEN', 'link token is not valid');
    if (Date.parse(record.expiresAt) <= Date.now()) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_LINK_TOKEN', 'link token has expired');
    return record;
  }

  /** Creates an item holding the chosen accounts of a test bank and a public token for it. */
  createItem(institutionId: string, accountKeys: string[] | 'all', products: string[], webhook?: string): { item: ItemRecord; publicToken: PublicTokenRecord } {
    const institution = findInstitution(institutionId);
    if (!institution) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_INSTITUTION', `unknown institution_id ${institutionId}`);
    const failure = institution.failure;
    if (failure) throw new PlaidApiError(400, failure.errorType, failure.errorCode, failure.errorMessage, failure.displayMessage);
    const templates = accountKeys === 'all' ? institution.accounts : institution.accounts.filter((account) => accountKeys.includes(account.key));
    if (templates.length === 0) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_FIELD', 'no such account at this institution');
    const now = Date.now();
    const item: ItemRecord = {
      itemId: randomUUID().replace(/-/g, ''),
      institutionId,
      accounts: templates.map((template) => ({ accountId: accountIdFor(), key: template.key })),
      products,
      webhook,
      createdAt: new Date(now).toISOString(),
    };
    const publicToken: PublicTokenRecord = {
      publicToken: `public-${env}-${randomUUID()}`,
      itemId: item.itemId,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + PUBLIC_TOKEN_TTL_MS).toISOString(),
    };
    this.state.items[item.itemId] = item;
    this.state.publicTokens[publicToken.publicToken] = publicToken;
    this.changed();
    return { item, publicToken };
  }

  /** Update mode finished: the item is the same, its login repaired; a fresh public token for Link's onSuccess. */
  repairItem(item: ItemRecord): PublicTokenRecord {
    const now = Date.now();
    item.error = null;
    const publicToken: PublicTokenRecord = {
      publicToken: `public-${env}-${randomUUID()}`,
      itemId: item.itemId,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + PUBLIC_TOKEN_TTL_MS).toISOString(),
    };
    this.state.publicTokens[publicToken.publicToken] = publicToken;
    this.changed();
    return publicToken;
  }

  setItemError(item: ItemRecord, error: ItemError | null): void {
    item.error = error;
    this.changed();
  }

  /** Public tokens are single use and short-lived, as at Plaid. */
  exchange(publicToken: string): ItemRecord & { accessToken: string } {
    const record = this.state.publicTokens[publicToken];
    if (!record || record.exchangedAt || Date.parse(record.expiresAt) <= Date.now()) {
      throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_PUBLIC_TOKEN', 'public token is invalid, expired or already exchanged');
    }
    const item = this.state.items[record.itemId]!;
    record.exchangedAt = new Date().toISOString();
    item.accessToken = `access-${env}-${randomUUID()}`;
    this.state.accessTokens[item.accessToken] = item.itemId;
    this.changed();
    return { ...item, accessToken: item.accessToken };
  }

  itemForAccessToken(accessToken: unknown): ItemRecord {
    const itemId = typeof accessToken === 'string' ? this.state.accessTokens[accessToken] : undefined;
    const item = itemId ? this.state.items[itemId] : undefined;
    if (!item || item.removedAt) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_ACCESS_TOKEN', 'access token is not valid');
    return item;
  }

  resolveAccount(item: ItemRecord, accountId: string): ResolvedAccount {
    const institution = findInstitution(item.institutionId)!;
    const itemAccount = item.accounts.find((account) => account.accountId === accountId);
    const template = itemAccount && institution.accounts.find((account) => account.key === itemAccount.key);
    if (!itemAccount || !template) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_ACCOUNT_ID', `account_id ${accountId} is not part of this item`);
    return { item, institution, itemAccount, template };
  }

  removeItem(item: ItemRecord): void {
    item.removedAt = new Date().toISOString();
    this.changed();
  }

  createProcessorToken(item: ItemRecord, accountId: string, processor: string): ProcessorTokenRecord {
    this.resolveAccount(item, accountId);
    const record: ProcessorTokenRecord = {
      processorToken: `processor-${env}-${randomUUID()}`,
      processor,
      itemId: item.itemId,
      accountId,
      createdAt: new Date().toISOString(),
    };
    this.state.processorTokens[record.processorToken] = record;
    this.changed();
    return record;
  }

  resolveProcessorToken(processorToken: unknown, processor: string): ResolvedAccount {
    const record = typeof processorToken === 'string' ? this.state.processorTokens[processorToken] : undefined;
    const item = record && this.state.items[record.itemId];
    if (!record || !item || item.removedAt || record.processor !== processor) {
      throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_PROCESSOR_TOKEN', 'processor token is not valid');
    }
    return this.resolveAccount(item, record.accountId);
  }

  finishLinkSession(link: LinkTokenRecord, publicToken: PublicTokenRecord, institutionId: string, accountIds: string[]): LinkSession {
    const now = new Date().toISOString();
    const session: LinkSession = { linkSessionId: randomUUID(), startedAt: now, finishedAt: now, publicToken: publicToken.publicToken, institutionId, accountIds };
    link.sessions.push(session);
    this.changed();
    return session;
  }
}

import {
  Configuration,
  CountryCode,
  PlaidApi,
  ProcessorTokenCreateRequestProcessorEnum,
  SandboxItemFireWebhookRequestWebhookCodeEnum,
  Products,
  type AccountBase,
} from 'plaid';

/**
 * Drypowder's side of Plaid: the one-time bank link. The portal opens Link with a link token,
 * Link hands back a public token, we exchange it, let the customer's chosen account become a
 * Moov processor token, and Moov links the bank account from that token (Drypowder never sees
 * account or routing numbers). Works unchanged against Plaid's sandbox or the local emulator:
 * only `url` differs.
 */
export interface PlaidClientOptions {
  /** Base URL: the emulator's URL locally, https://sandbox.plaid.com or production. */
  url: string;
  clientId: string;
  secret: string;
  timeoutMs?: number;
}

export interface LinkToken {
  linkToken: string;
  expiration: string;
  /** Plaid Hosted Link's URL, when asked for (`hostedLink`). */
  linkUrl: string | null;
}

export interface PlaidBankAccount {
  accountId: string;
  name: string;
  officialName: string | null;
  mask: string | null;
  subtype: string | null;
}

export interface PlaidItemAccounts {
  itemId: string;
  institutionId: string | null;
  institutionName: string | null;
  accounts: PlaidBankAccount[];
}

/**
 * A Plaid call failed. `retryable` says whether the same call may succeed later (outage,
 * rate limit, network); a bad or used token, bad keys or bad input will not.
 */
export class PlaidIntegrationError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly type: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PlaidIntegrationError';
  }
}

export interface CreateLinkTokenInput {
  /** Our stable id for the person linking (portal user id): Plaid uses it to de-duplicate. */
  clientUserId: string;
  /** Shown in Link ("Connect a bank account to …"). */
  clientName: string;
  /** Where Link returns after an OAuth bank, or (emulator) where the result is sent. */
  redirectUri?: string;
  webhook?: string;
  /** Plaid Hosted Link: a URL to open Link without Plaid's script (a redirect or a popup). */
  hostedLink?: boolean;
  /** Update mode: Link reconnects this item (its login expired) instead of linking a new one. */
  accessToken?: string;
}

/** An item as `/item/get` tells it: healthy, or the error that asks for the customer (ITEM_LOGIN_REQUIRED, …). */
export interface PlaidItemStatus {
  itemId: string;
  error: { code: string; type: string } | null;
}

/** A key Plaid signs webhooks with, as a JWK, and when Plaid retired it (null while current). */
export interface WebhookVerificationKey {
  jwk: { kty: string; crv?: string; x?: string; y?: string; alg?: string; kid: string };
  expiredAt: number | null;
}

export class PlaidClient {
  private readonly api: PlaidApi;

  constructor(options: PlaidClientOptions) {
    this.api = new PlaidApi(
      new Configuration({
        basePath: options.url.replace(/\/$/, ''),
        baseOptions: {
          headers: { 'PLAID-CLIENT-ID': options.clientId, 'PLAID-SECRET': options.secret },
          timeout: options.timeoutMs ?? 15_000,
        },
      }),
    );
  }

  async createLinkToken(input: CreateLinkTokenInput): Promise<LinkToken> {
    const response = await call(() =>
      this.api.linkTokenCreate({
        client_name: input.clientName,
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: input.clientUserId },
        // Update mode takes the item's access token and no products.
        ...(input.accessToken ? { access_token: input.accessToken } : { products: [Products.Auth] }),
        redirect_uri: input.redirectUri,
        webhook: input.webhook,
        // Hosted Link only when asked: the portal opens Link through Plaid's own script.
        ...(input.hostedLink ? { hosted_link: {} } : {}),
      }),
    );
    return { linkToken: response.link_token, expiration: response.expiration, linkUrl: response.hosted_link_url ?? null };
  }

  async getItem(accessToken: string): Promise<PlaidItemStatus> {
    const response = await call(() => this.api.itemGet({ access_token: accessToken }));
    const error = response.item.error;
    return { itemId: response.item.item_id, error: error ? { code: error.error_code, type: error.error_type } : null };
  }

  async webhookVerificationKey(keyId: string): Promise<WebhookVerificationKey> {
    const response = await call(() => this.api.webhookVerificationKeyGet({ key_id: keyId }));
    const { key } = response;
    return { jwk: { kty: key.kty, crv: key.crv, x: key.x, y: key.y, alg: key.alg, kid: key.kid }, expiredAt: key.expired_at ?? null };
  }

  /** Public tokens are single use: store the access token this returns. */
  async exchangePublicToken(publicToken: string): Promise<{ accessToken: string; itemId: string }> {
    const response = await call(() => this.api.itemPublicTokenExchange({ public_token: publicToken }));
    return { accessToken: response.access_token, itemId: response.item_id };
  }

  async getAccounts(accessToken: string): Promise<PlaidItemAccounts> {
    const response = await call(() => this.api.accountsGet({ access_token: accessToken }));
    return {
      itemId: response.item.item_id,
      institutionId: response.item.institution_id ?? null,
      institutionName: response.item.institution_name ?? null,
      accounts: response.accounts.map(toBankAccount),
    };
  }

  /** A token Moov redeems with Plaid to link this one account; hand it to MoovClient.linkBankAccountFromPlaid. */
  async createMoovProcessorToken(accessToken: string, accountId: string): Promise<string> {
    const response = await call(() =>
      this.api.processorTokenCreate({ access_token: accessToken, account_id: accountId, processor: ProcessorTokenCreateRequestProcessorEnum.Moov }),
    );
    return response.processor_token;
  }

  async removeItem(accessToken: string): Promise<void> {
    await call(() => this.api.itemRemove({ access_token: accessToken }));
  }

  /** Sandbox and emulator only: the item's login expires, and Plaid sends its ITEM ERROR webhook. */
  async sandboxResetLogin(accessToken: string): Promise<void> {
    await call(() => this.api.sandboxItemResetLogin({ access_token: accessToken }));
  }

  /** Sandbox and emulator only: Plaid sends one of the item's webhooks (the emulator adds PENDING_EXPIRATION). */
  async sandboxFireWebhook(accessToken: string, webhookCode: string): Promise<void> {
    await call(() => this.api.sandboxItemFireWebhook({ access_token: accessToken, webhook_code: webhookCode as SandboxItemFireWebhookRequestWebhookCodeEnum }));
  }

  /** Sandbox and emulator only: a public token for every account of a test institution, skipping Link. */
  async sandboxPublicToken(institutionId: string): Promise<string> {
    const response = await call(() => this.api.sandboxPublicTokenCreate({ institution_id: institutionId, initial_products: [Products.Auth] }));
    return response.public_token;
  }
}

export function createPlaidClient(config: { PLAID_URL: string; PLAID_CLIENT_ID: string; PLAID_SECRET: string }): PlaidClient {
  return new PlaidClient({ url: config.PLAID_URL, clientId: config.PLAID_CLIENT_ID, secret: config.PLAID_SECRET });
}

const toBankAccount = (account: AccountBase): PlaidBankAccount => ({
  accountId: account.account_id,
  name: account.name,
  officialName: account.official_name ?? null,
  mask: account.mask ?? null,
  subtype: account.subtype ?? null,
});

async function call<T>(request: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await request()).data;
  } catch (error) {
    throw toPlaidError(error);
  }
}

interface HttpClientError {
  isAxiosError: true;
  message: string;
  response?: { status: number; data?: unknown };
}

const isHttpClientError = (error: unknown): error is HttpClientError =>
  typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true;

export function toPlaidError(error: unknown): PlaidIntegrationError {
  // The SDK rejects with an axios error; checked by shape so axios (plaid's own dependency) is not ours too.
  if (!isHttpClientError(error)) {
    return new PlaidIntegrationError(error instanceof Error ? error.message : String(error), 'UNKNOWN', 'CLIENT_ERROR', null, false);
  }
  const status = error.response?.status ?? null;
  if (status === null) return new PlaidIntegrationError(`Plaid unreachable: ${error.message}`, 'NETWORK_ERROR', 'NETWORK_ERROR', null, true);
  const body = (error.response?.data ?? {}) as { error_code?: string; error_type?: string; error_message?: string };
  const retryable = status === 429 || status >= 500 || body.error_type === 'RATE_LIMIT_EXCEEDED' || body.error_type === 'API_ERROR' || body.error_type === 'INSTITUTION_ERROR';
  return new PlaidIntegrationError(body.error_message ?? `Plaid answered ${status}`, body.error_code ?? 'UNKNOWN', body.error_type ?? 'UNKNOWN', status, retryable);
}

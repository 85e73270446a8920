import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { listen, type RunningServer } from '../http';
import { jsonSnapshot } from '../snapshot';
import { TEST_INSTITUTIONS, findInstitution } from './institutions';
import { renderLinkPage, renderLinkResult } from './link-page';
import { PLAID_LINK_SCRIPT_PATH } from '../../integrations/browser-scripts';
import { linkScript } from './link-script';
import { PlaidApiError, PlaidStore, emptyPlaidState, type ItemError, type ItemRecord, type PlaidState, type ResolvedAccount } from './store';
import { newSigningKey, publicKeyView, webhookSender } from './webhooks';

/**
 * A local Plaid the official `plaid` SDK reaches through `basePath`. It implements the slice
 * Drypowder uses for the one-time bank link: link tokens, a stand-in Link page (GET /link),
 * sandbox public tokens, public-token exchange, accounts, and processor tokens for Moov.
 * Processors (the Moov emulator) redeem processor tokens at POST /processor/auth/get with
 * their own credentials, exactly as Moov does against Plaid, so the two emulators share no
 * memory: run them in different processes and the link still works. See docs/plaid-emulator.md.
 */
export interface PlaidEmulatorOptions {
  port: number;
  clientId?: string;
  secret?: string;
  /** Credentials processors use to redeem processor tokens, by processor name. */
  processors?: Record<string, { clientId: string; secret: string }>;
  /** Directory for a JSON snapshot of the state (links survive a restart); none = memory only. */
  dataDir?: string;
  /** Interface to listen on (default loopback). */
  host?: string;
  /** The address browsers use for the Link page, when not the one it listens on (a container's published port). */
  publicUrl?: string;
  /** Delays between webhook delivery attempts; one attempt more than entries. */
  webhookRetryDelaysMs?: number[];
}

export interface PlaidEmulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Resolves when no webhook delivery is in flight. */
  webhooksIdle(): Promise<void>;
  /** The URL of the stand-in Link page for a link token. */
  linkUrl(linkToken: string): string;
  state: PlaidState;
}

export const PLAID_EMULATOR_DEFAULTS = {
  clientId: 'plaid-dev-client',
  secret: 'plaid-dev-secret',
  processors: { moov: { clientId: 'moov-processor', secret: 'moov-processor-secret' } },
} as const;

const requestId = () => randomUUID().replace(/-/g, '').slice(0, 15);

const parseOrigin = (value: string): string | undefined => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
};

const AVAILABLE_PRODUCTS = ['auth', 'balance', 'identity', 'transactions'];

export async function startPlaidEmulator(options: PlaidEmulatorOptions): Promise<PlaidEmulator> {
  const clientId = options.clientId ?? PLAID_EMULATOR_DEFAULTS.clientId;
  const secret = options.secret ?? PLAID_EMULATOR_DEFAULTS.secret;
  const processors = options.processors ?? PLAID_EMULATOR_DEFAULTS.processors;

  let state: PlaidState = emptyPlaidState();
  const snapshot = jsonSnapshot(options.dataDir, 'plaid-emulator.json', () => state);
  state = { ...emptyPlaidState(), ...snapshot.load() };
  const store = new PlaidStore(state, () => snapshot.changed());
  if (!state.signingKey) {
    state.signingKey = newSigningKey(Date.now());
    snapshot.changed();
  }
  const webhooks = webhookSender(() => state.signingKey!, options.webhookRetryDelaysMs ?? [1000, 5000, 30000], (message) => process.stderr.write(`plaid emulator: ${message}\n`));
  /** Plaid's ITEM webhooks, to the URL the item was linked with. */
  const sendItemWebhook = (item: ItemRecord, code: string, extra: Record<string, unknown> = {}) => {
    if (!item.webhook) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_FIELD', 'the item has no webhook URL; link it with one');
    webhooks.send(item.webhook, { webhook_type: 'ITEM', webhook_code: code, item_id: item.itemId, ...extra, environment: 'sandbox' });
  };
  let baseUrl = '';
  const linkUrl = (linkToken: string) => `${baseUrl}/link?token=${encodeURIComponent(linkToken)}`;

  const credentials = (req: Request) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    return {
      clientId: (typeof body.client_id === 'string' ? body.client_id : undefined) ?? req.get('PLAID-CLIENT-ID'),
      secret: (typeof body.secret === 'string' ? body.secret : undefined) ?? req.get('PLAID-SECRET'),
    };
  };
  const requireClient = (req: Request) => {
    const given = credentials(req);
    if (!given.clientId || !given.secret) throw new PlaidApiError(400, 'INVALID_REQUEST', 'MISSING_FIELDS', 'client_id and secret are required');
    if (given.clientId !== clientId || given.secret !== secret) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_API_KEYS', 'invalid client_id or secret provided');
  };
  const requireProcessor = (req: Request): string => {
    const given = credentials(req);
    const match = Object.entries(processors).find(([, value]) => value.clientId === given.clientId && value.secret === given.secret);
    if (!match) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_API_KEYS', 'invalid processor client_id or secret provided');
    return match[0];
  };
  const field = <T>(body: Record<string, unknown>, name: string, check: (value: unknown) => value is T): T => {
    const value = body[name];
    if (value === undefined || value === null) throw new PlaidApiError(400, 'INVALID_REQUEST', 'MISSING_FIELDS', `the following required fields are missing: ${name}`);
    if (!check(value)) throw new PlaidApiError(400, 'INVALID_REQUEST', 'INVALID_FIELD', `${name} has the wrong type`);
    return value;
  };
  const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
  const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

  const accountView = ({ itemAccount, template }: ResolvedAccount) => ({
    account_id: itemAccount.accountId,
    balances: { available: template.available, current: template.current, limit: null, iso_currency_code: 'USD', unofficial_currency_code: null },
    mask: template.accountNumber.slice(-4),
    name: template.name,
    official_name: template.officialName,
    type: 'depository',
    subtype: template.subtype,
    holder_category: 'business',
  });
  const itemView = (item: ItemRecord) => {
    const institution = findInstitution(item.institutionId);
    return {
      item_id: item.itemId,
      institution_id: item.institutionId,
      institution_name: institution?.name ?? null,
      webhook: item.webhook ?? null,
      auth_method: 'INSTANT_AUTH',
      error: item.error ? { ...item.error, request_id: requestId(), causes: [], status: 400, documentation_url: null, suggested_action: null } : null,
      available_products: AVAILABLE_PRODUCTS.filter((product) => !item.products.includes(product)),
      billed_products: item.products,
      products: item.products,
      consented_products: item.products,
      consent_expiration_time: null,
      update_type: 'background',
    };
  };
  const accountsOf = (item: ItemRecord, only?: string[]) =>
    item.accounts
      .filter((account) => !only || only.includes(account.accountId))
      .map((account) => accountView(store.resolveAccount(item, account.accountId)));

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));

  app.post('/link/token/create', (req, res) => {
    requireClient(req);
    const body = req.body as Record<string, unknown>;
    const user = (body.user ?? {}) as Record<string, unknown>;
    // With an access token, Link opens in update mode for that item (to repair its login).
    const updateItem = body.access_token !== undefined ? store.itemForAccessToken(body.access_token) : undefined;
    const link = store.createLinkToken({
      updateItemId: updateItem?.itemId,
      clientName: field(body, 'client_name', isString),
      language: field(body, 'language', isString),
      countryCodes: field(body, 'country_codes', isStringArray),
      products: isStringArray(body.products) ? body.products : [],
      clientUserId: field(user, 'client_user_id', isString),
      redirectUri: isString(body.redirect_uri) ? body.redirect_uri : undefined,
      webhook: isString(body.webhook) ? body.webhook : undefined,
      hostedLink: typeof body.hosted_link === 'object' && body.hosted_link !== null,
    });
    res.json({
      link_token: link.linkToken,
      expiration: link.expiresAt,
      request_id: requestId(),
      // Real Plaid returns a hosted Link URL only when asked for hosted Link; so do we.
      ...(link.hostedLink ? { hosted_link_url: linkUrl(link.linkToken) } : {}),
    });
  });

  app.post('/link/token/get', (req, res) => {
    requireClient(req);
    const link = store.liveLinkToken(field(req.body as Record<string, unknown>, 'link_token', isString));
    res.json({
      link_token: link.linkToken,
      created_at: link.createdAt,
      expiration: link.expiresAt,
      metadata: { initial_products: link.products, webhook: link.webhook ?? null, country_codes: link.countryCodes, language: link.language, redirect_uri: link.redirectUri ?? null, client_name: link.clientName },
      link_sessions: link.sessions.map((session) => ({
        link_session_id: session.linkSessionId,
        started_at: session.startedAt,
        finished_at: session.finishedAt ?? null,
        results: {
          item_add_results: session.publicToken
            ? [{ public_token: session.publicToken, institution: { institution_id: session.institutionId, name: findInstitution(session.institutionId ?? '')?.name }, accounts: (session.accountIds ?? []).map((id) => ({ id })) }]
            : [],
        },
      })),
      request_id: requestId(),
    });
  });

  app.get(PLAID_LINK_SCRIPT_PATH, (req, res) => {
    res.type('application/javascript').setHeader('Cache-Control', 'no-cache');
    res.send(linkScript(baseUrl || `${req.protocol}://${req.get('host')}`));
  });

  app.get('/link', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : typeof req.query.link_token === 'string' ? req.query.link_token : '';
    // Only an http(s) origin may receive Link's messages; anything else opens it as hosted Link.
    const parent = typeof req.query.parent === 'string' && req.query.embedded === '1' ? parseOrigin(req.query.parent) : undefined;
    try {
      res.type('html').send(renderLinkPage(store.liveLinkToken(token), { embeddedFor: parent }));
    } catch {
      res.status(400).type('html').send('<!doctype html><title>Link expired</title><p>This link token is not valid or has expired.</p>');
    }
  });

  /** What the Link page submits: the chosen test account. Answers JSON, or redirects a plain form post. */
  app.post('/link/complete', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const link = store.liveLinkToken(field(body, 'link_token', isString));
    const repaired = link.updateItemId ? state.items[link.updateItemId] : undefined;
    if (link.updateItemId && (!repaired || repaired.removedAt)) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_ACCESS_TOKEN', 'the item this link token updates no longer exists');
    const hadError = Boolean(repaired?.error);
    const { item, publicToken } = repaired
      ? { item: repaired, publicToken: store.repairItem(repaired) }
      : (() => {
          const [institutionId = '', accountKey = ''] = field(body, 'selection', isString).split(':');
          return store.createItem(institutionId, [accountKey], link.products, link.webhook);
        })();
    if (repaired && hadError && item.webhook) sendItemWebhook(item, 'LOGIN_REPAIRED');
    const institutionId = item.institutionId;
    const account = store.resolveAccount(item, item.accounts[0]!.accountId);
    const session = store.finishLinkSession(link, publicToken, institutionId, [account.itemAccount.accountId]);
    const accountMeta = { id: account.itemAccount.accountId, name: account.template.name, mask: account.template.accountNumber.slice(-4), type: 'depository', subtype: account.template.subtype, verification_status: null };
    const metadata = {
      institution: { institution_id: institutionId, name: account.institution.name },
      accounts: [accountMeta],
      account: accountMeta,
      account_id: accountMeta.id,
      link_session_id: session.linkSessionId,
      public_token: publicToken.publicToken,
    };
    if (req.is('application/json')) {
      res.json({ public_token: publicToken.publicToken, metadata });
    } else if (link.redirectUri) {
      const target = new URL(link.redirectUri);
      for (const [key, value] of Object.entries({ status: 'success', public_token: publicToken.publicToken, account_id: accountMeta.id, institution_id: institutionId, link_session_id: session.linkSessionId })) {
        target.searchParams.set(key, value);
      }
      res.redirect(303, target.toString());
    } else {
      res.type('html').send(renderLinkResult(publicToken.publicToken));
    }
  });

  app.post('/sandbox/public_token/create', (req, res) => {
    requireClient(req);
    const body = req.body as Record<string, unknown>;
    const options = (body.options ?? {}) as Record<string, unknown>;
    const { publicToken } = store.createItem(
      field(body, 'institution_id', isString),
      'all',
      field(body, 'initial_products', isStringArray),
      isString(options.webhook) ? options.webhook : undefined,
    );
    res.json({ public_token: publicToken.publicToken, request_id: requestId() });
  });

  app.post('/item/public_token/exchange', (req, res) => {
    requireClient(req);
    const item = store.exchange(field(req.body as Record<string, unknown>, 'public_token', isString));
    res.json({ access_token: item.accessToken, item_id: item.itemId, request_id: requestId() });
  });

  app.post('/item/get', (req, res) => {
    requireClient(req);
    const item = store.itemForAccessToken((req.body as Record<string, unknown>).access_token);
    res.json({ item: itemView(item), status: null, request_id: requestId() });
  });

  app.post('/item/remove', (req, res) => {
    requireClient(req);
    store.removeItem(store.itemForAccessToken((req.body as Record<string, unknown>).access_token));
    res.json({ request_id: requestId() });
  });

  app.post('/accounts/get', (req, res) => {
    requireClient(req);
    const body = req.body as Record<string, unknown>;
    const item = store.itemForAccessToken(body.access_token);
    const options = (body.options ?? {}) as Record<string, unknown>;
    res.json({ accounts: accountsOf(item, isStringArray(options.account_ids) ? options.account_ids : undefined), item: itemView(item), request_id: requestId() });
  });

  app.post('/processor/token/create', (req, res) => {
    requireClient(req);
    const body = req.body as Record<string, unknown>;
    const item = store.itemForAccessToken(body.access_token);
    const processor = field(body, 'processor', isString);
    if (!(processor in processors)) {
      throw new PlaidApiError(400, 'INVALID_REQUEST', 'INVALID_FIELD', `processor ${processor} is not enabled in this emulator (enabled: ${Object.keys(processors).join(', ')})`);
    }
    const record = store.createProcessorToken(item, field(body, 'account_id', isString), processor);
    res.json({ processor_token: record.processorToken, request_id: requestId() });
  });

  /** Called by the processor (Moov), not by Drypowder: turns a processor token into account and routing numbers. */
  app.post('/processor/auth/get', (req, res) => {
    const processor = requireProcessor(req);
    const resolved = store.resolveProcessorToken((req.body as Record<string, unknown>).processor_token, processor);
    res.json({
      account: accountView(resolved),
      numbers: {
        ach: {
          account_id: resolved.itemAccount.accountId,
          account: resolved.template.accountNumber,
          routing: resolved.institution.routingNumber,
          wire_routing: null,
          can_transfer_in: true,
          can_transfer_out: true,
        },
        eft: null,
        international: null,
        bacs: null,
      },
      request_id: requestId(),
    });
  });

  app.post('/webhook_verification_key/get', (req, res) => {
    requireClient(req);
    const keyId = field(req.body as Record<string, unknown>, 'key_id', isString);
    const key = state.signingKey!;
    if (keyId !== key.kid) throw new PlaidApiError(400, 'INVALID_INPUT', 'INVALID_WEBHOOK_VERIFICATION_KEY_ID', 'invalid key_id provided');
    res.json({ key: publicKeyView(key), request_id: requestId() });
  });

  /** Plaid's sandbox: the item's login expires, and its ITEM ERROR webhook is sent. */
  app.post('/sandbox/item/reset_login', (req, res) => {
    requireClient(req);
    const item = store.itemForAccessToken((req.body as Record<string, unknown>).access_token);
    const error: ItemError = {
      error_type: 'ITEM_ERROR',
      error_code: 'ITEM_LOGIN_REQUIRED',
      error_message: 'the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link\'s update mode to restore the item to a good state',
      display_message: null,
    };
    store.setItemError(item, error);
    if (item.webhook) sendItemWebhook(item, 'ERROR', { error: { ...error, status: 400 } });
    res.json({ reset_login: true, request_id: requestId() });
  });

  /** Plaid's sandbox: fire one of the item's webhooks. PENDING_EXPIRATION is the emulator's addition. */
  app.post('/sandbox/item/fire_webhook', (req, res) => {
    requireClient(req);
    const body = req.body as Record<string, unknown>;
    const item = store.itemForAccessToken(body.access_token);
    const code = field(body, 'webhook_code', isString);
    const revoked: ItemError = { error_type: 'ITEM_ERROR', error_code: 'USER_PERMISSION_REVOKED', error_message: 'the user revoked access to this item', display_message: null };
    switch (code) {
      case 'ERROR':
        sendItemWebhook(item, 'ERROR', { error: { ...(item.error ?? { error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED', error_message: 'a user login is required', display_message: null }), status: 400 } });
        break;
      case 'PENDING_EXPIRATION':
        sendItemWebhook(item, code, { consent_expiration_time: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000).toISOString() });
        break;
      case 'PENDING_DISCONNECT':
        sendItemWebhook(item, code, { reason: 'INSTITUTION_TOKEN_EXPIRATION' });
        break;
      case 'USER_PERMISSION_REVOKED':
        store.setItemError(item, revoked);
        sendItemWebhook(item, code, { error: { ...revoked, status: 400 } });
        break;
      case 'USER_ACCOUNT_REVOKED':
        sendItemWebhook(item, code, { account_id: item.accounts[0]!.accountId });
        break;
      case 'LOGIN_REPAIRED':
        store.setItemError(item, null);
        sendItemWebhook(item, code);
        break;
      default:
        throw new PlaidApiError(400, 'INVALID_REQUEST', 'INVALID_FIELD', `webhook_code ${code} is not one the emulator fires (ERROR, PENDING_EXPIRATION, PENDING_DISCONNECT, USER_PERMISSION_REVOKED, USER_ACCOUNT_REVOKED, LOGIN_REPAIRED)`);
    }
    res.json({ webhook_fired: true, request_id: requestId() });
  });

  /** For demos and docs: the test banks and what each account does. */
  app.get('/admin/institutions', (_req, res) => {
    res.json(TEST_INSTITUTIONS);
  });

  app.use((_req: Request, _res: Response, next: NextFunction) => {
    next(new PlaidApiError(404, 'INVALID_REQUEST', 'UNKNOWN_ENDPOINT', 'the requested endpoint does not exist in the Plaid emulator'));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const failure =
      error instanceof PlaidApiError
        ? error
        : (error as { type?: string }).type === 'entity.parse.failed'
          ? new PlaidApiError(400, 'INVALID_REQUEST', 'INVALID_BODY', 'body could not be parsed as JSON')
          : new PlaidApiError(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', (error as Error).message ?? 'internal error');
    res.status(failure.status).json({
      error_type: failure.errorType,
      error_code: failure.errorCode,
      error_message: failure.message,
      display_message: failure.displayMessage,
      request_id: requestId(),
      causes: [],
      status: failure.status,
      suggested_action: null,
    });
  });

  const server: RunningServer = await listen(app, options.port, options.host);
  baseUrl = options.publicUrl?.replace(/\/$/, '') ?? server.url;
  return {
    url: server.url,
    port: server.port,
    linkUrl,
    state,
    webhooksIdle: () => webhooks.idle(),
    stop: async () => {
      webhooks.stop();
      snapshot.flush();
      await server.stop();
    },
  };
}

import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { listen } from '../http';
import { jsonSnapshot } from '../snapshot';
import { adminRouter, localAdmin, type MoovEmulatorAdmin } from './admin';
import { TokenAuthority, cors } from './auth';
import { DEFAULT_TIMING, EmulatorCore, MoovHttpError, type Timing } from './core';
import { DisputeBook } from './disputes';
import { dropsRouter } from './drops';
import { Instruments } from './instruments';
import type { MoovState } from './model';
import { moovApiRouter } from './routes';
import { TransferBook } from './transfers';
import { WebhookDispatcher } from './webhooks';

export type { MoovEmulatorAdmin } from './admin';
export { moovEmulatorAdmin } from './admin';
export type { InjectedFaults, WebhookDelivery, WebhookFaults } from './webhooks';
export type { MoovEvent } from './model';
export type { MoovDisputeJson, MoovTransferJson } from './views';
export type { AdminDispute, AdminRefund } from './admin';
export type { Timing as MoovEmulatorTiming } from './core';

/**
 * A local Moov that @moovio/sdk talks to through `serverURL`: accounts, wallets, Plaid-linked
 * bank accounts, browser-linked cards, transfers with idempotency keys and Moov's rail
 * statuses on a configurable clock, cancellations, refunds and reversals, ACH returns at any time, card disputes, and
 * signed webhooks with fault switches. docs/moov-emulator.md describes the behaviour, the
 * magic amounts and the admin API.
 */
export interface MoovEmulatorOptions {
  port: number;
  /** Interface to listen on (default loopback). */
  host?: string;
  /** Length of an emulated business day (ACH clears after achClearingBusinessDays of these). Default: a real day. */
  achBusinessDayMs?: number;
  /** Where events are POSTed, and the signing secret. Without both, events are only recorded. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Directory for a JSON snapshot of the state; none = memory only. */
  dataDir?: string;
  /** API keys the SDK must present (HTTP Basic). Defaults match runtime/config.ts. */
  publicKey?: string;
  secretKey?: string;
  /** The partner (platform) account that transfers are created under. */
  facilitatorAccountId?: string;
  facilitatorName?: string;
  /** Where to redeem Plaid processor tokens (the Plaid emulator or Plaid itself) and with which processor credentials. */
  plaid?: { url: string; clientId?: string; secret?: string };
  /** Finer timing knobs; achBusinessDayMs above wins over timing.achBusinessDayMs. */
  timing?: Partial<Timing>;
  /** Delays between webhook delivery attempts; one attempt more than entries. */
  webhookRetryDelaysMs?: number[];
  /** How long reorder-held events wait before they are delivered anyway. */
  webhookReorderWindowMs?: number;
  accessTokenTtlSeconds?: number;
  /** Where unexpected internal errors are reported (defaults to stderr). */
  onError?: (message: string, error: unknown) => void;
}

export interface MoovEmulator {
  url: string;
  port: number;
  facilitatorAccountId: string;
  publicKey: string;
  secretKey: string;
  admin: MoovEmulatorAdmin;
  /** Resolves when no webhook delivery is in flight (tests use it before reading deliveries). */
  webhooksIdle(): Promise<void>;
  stop(): Promise<void>;
}

export const MOOV_EMULATOR_DEFAULTS = {
  publicKey: 'moov-dev-public',
  secretKey: 'moov-dev-secret',
  facilitatorAccountId: 'acct_drypowder_facilitator',
  facilitatorName: 'Drypowder Payments',
  plaidProcessor: { clientId: 'moov-processor', secret: 'moov-processor-secret' },
} as const;

const emptyState = (): MoovState => ({
  accounts: {},
  wallets: {},
  bankAccounts: {},
  cards: {},
  paymentMethods: {},
  transfers: {},
  idempotency: {},
  schedule: [],
  nextSeq: 1,
  clockOffsetMs: 0,
  webhook: { webhookID: randomUUID() },
  events: [],
});

export async function startMoovEmulator(options: MoovEmulatorOptions): Promise<MoovEmulator> {
  const publicKey = options.publicKey ?? MOOV_EMULATOR_DEFAULTS.publicKey;
  const secretKey = options.secretKey ?? MOOV_EMULATOR_DEFAULTS.secretKey;
  const facilitatorAccountId = options.facilitatorAccountId ?? MOOV_EMULATOR_DEFAULTS.facilitatorAccountId;
  const timing: Timing = { ...DEFAULT_TIMING, ...options.timing, ...(options.achBusinessDayMs !== undefined ? { achBusinessDayMs: options.achBusinessDayMs } : {}) };
  const onError = options.onError ?? ((message, error) => process.stderr.write(`moov emulator: ${message}: ${(error as Error)?.stack ?? String(error)}\n`));

  let state = emptyState();
  const snapshot = jsonSnapshot(options.dataDir, 'moov-emulator.json', () => state);
  state = { ...emptyState(), ...snapshot.load() };
  if (options.webhookUrl !== undefined) state.webhook.url = options.webhookUrl;
  if (options.webhookSecret !== undefined) state.webhook.secret = options.webhookSecret;

  const core = new EmulatorCore(state, timing, facilitatorAccountId, () => snapshot.changed());
  const instruments = new Instruments(
    core,
    options.plaid ? { url: options.plaid.url, clientId: options.plaid.clientId ?? MOOV_EMULATOR_DEFAULTS.plaidProcessor.clientId, secret: options.plaid.secret ?? MOOV_EMULATOR_DEFAULTS.plaidProcessor.secret } : undefined,
  );
  const transfers = new TransferBook(core, instruments, onError);
  const disputes = new DisputeBook(core);
  const webhooks = new WebhookDispatcher({
    registration: () => state.webhook,
    retryDelaysMs: options.webhookRetryDelaysMs ?? [500, 2000, 5000, 15000, 60000],
    reorderWindowMs: options.webhookReorderWindowMs ?? 250,
  });
  core.onEvent((event) => webhooks.publish(event));
  if (!state.accounts[facilitatorAccountId]) {
    instruments.createAccount(
      {
        accountType: 'business',
        profile: { business: { legalBusinessName: options.facilitatorName ?? MOOV_EMULATOR_DEFAULTS.facilitatorName, businessType: 'llc' } },
        capabilities: ['transfers', 'send-funds', 'collect-funds', 'wallet'],
      },
      facilitatorAccountId,
    );
  }
  const admin = localAdmin(core, transfers, disputes, webhooks);

  const app = express();
  app.disable('x-powered-by');
  app.use(cors);
  app.use(express.json({ limit: '200kb' }));
  app.use('/admin', adminRouter(admin));
  app.use(dropsRouter());
  app.use(moovApiRouter({ core, instruments, transfers, disputes, tokens: new TokenAuthority({ publicKey, secretKey }, options.accessTokenTtlSeconds ?? 900) }));
  app.use((_req: Request, _res: Response, next: NextFunction) => next(new MoovHttpError(404, { error: 'no such endpoint in the Moov emulator' })));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof MoovHttpError) return void res.status(error.status).json(error.body);
    if ((error as { type?: string }).type === 'entity.parse.failed') return void res.status(400).json({ error: 'request body is not valid JSON' });
    onError('request failed', error);
    res.status(500).json({ error: 'internal error in the Moov emulator' });
  });

  const server = await listen(app, options.port, options.host);
  transfers.start();
  return {
    url: server.url,
    port: server.port,
    facilitatorAccountId,
    publicKey,
    secretKey,
    admin,
    webhooksIdle: () => webhooks.idle(),
    stop: async () => {
      transfers.stop();
      webhooks.stop();
      snapshot.flush();
      await server.stop();
    },
  };
}

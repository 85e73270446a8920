import { z } from 'zod';
import { parseDataKey } from '../domain/credential-seal';

/**
 * Every setting is an environment variable validated here once, at start-up, so a typo
 * stops the process with a message naming the variable instead of failing later mid-request.
 */

const postgresUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.pathname.length > 1;
    } catch {
      return false;
    }
  }, 'must be a postgres://user@host:port/database URL');

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port');
const httpUrl = z.string().url('must be an http(s) URL');
const port = z.coerce.number().int().min(0).max(65535);
const durationMs = z.coerce.number().int().min(0);

/**
 * Secrets whose development defaults let the demo start with no setup. A production process
 * refuses to start while any of them is still its default.
 */
const DEV_DEFAULTS = {
  SPRUCE_WEBHOOK_SECRET: 'dev-only-spruce-webhook-secret',
  MOOV_SECRET_KEY: 'moov-dev-secret',
  MOOV_WEBHOOK_SECRET: 'dev-only-moov-webhook-secret',
  PLAID_SECRET: 'plaid-dev-secret',
  DATA_ENCRYPTION_KEY: '646576656c6f706d656e742d6f6e6c792d646174612d6b65792d303132333435',
} as const;

function isDataKey(value: string): boolean {
  try {
    parseDataKey(value);
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATABASE_URL: postgresUrl,
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  // TLS to Temporal: on by itself with an API key (Temporal Cloud) or a client certificate (mTLS).
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_UI_URL: httpUrl.default('http://127.0.0.1:8233'),
  TASK_QUEUE: z.string().min(1).default('drypowder'),
  API_PORT: port.default(3000),
  PUBLIC_URL: httpUrl.default('http://127.0.0.1:3000'),
  // Comma-separated origins of UI dev servers allowed to call the API with credentials.
  CORS_ORIGINS: z.string().default(''),
  // Seals dealers' ERP credentials at rest (domain/credential-seal.ts): 32 bytes, 64 hex digits or base64.
  DATA_ENCRYPTION_KEY: z.string().refine((value) => isDataKey(value), 'must be 32 bytes, written as 64 hex digits or base64').default(DEV_DEFAULTS.DATA_ENCRYPTION_KEY),
  SPRUCE_WEBHOOK_SECRET: z.string().min(16).default(DEV_DEFAULTS.SPRUCE_WEBHOOK_SECRET),
  // An idle Spruce sync re-reads the change feed this often (catches webhooks that never came).
  SPRUCE_SYNC_POLL_MS: durationMs.default(60_000),
  // Longest pause between retries while Spruce is unreachable: bounds how late the sync resumes.
  SPRUCE_SYNC_RETRY_MAX_MS: durationMs.default(30_000),
  MOOV_URL: httpUrl.default('http://127.0.0.1:4020'),
  // Where browsers reach Moov and Plaid, when not at the server's own addresses (the emulators behind a container network).
  MOOV_BROWSER_URL: httpUrl.optional(),
  PLAID_BROWSER_URL: httpUrl.optional(),
  // The providers' browser scripts: Moov's Drops (https://js.moov.io/v1) and Plaid Link
  // (https://cdn.plaid.com/link/v2/stable/link-initialize.js). Unset, the emulators' copies at the
  // browser URLs above. Their origins are what the CSP lets the portal load and frame (docs/providers.md).
  MOOV_DROPS_SCRIPT_URL: httpUrl.optional(),
  PLAID_LINK_SCRIPT_URL: httpUrl.optional(),
  MOOV_PUBLIC_KEY: z.string().min(1).default('moov-dev-public'),
  MOOV_SECRET_KEY: z.string().min(1).default(DEV_DEFAULTS.MOOV_SECRET_KEY),
  MOOV_WEBHOOK_SECRET: z.string().min(16).default(DEV_DEFAULTS.MOOV_WEBHOOK_SECRET),
  MOOV_FACILITATOR_ACCOUNT_ID: z.string().min(1).default('acct_drypowder_facilitator'),
  PLAID_URL: httpUrl.default('http://127.0.0.1:4030'),
  PLAID_CLIENT_ID: z.string().min(1).default('plaid-dev-client'),
  PLAID_SECRET: z.string().min(1).default(DEV_DEFAULTS.PLAID_SECRET),
  // Where Plaid sends an item's webhooks (docs/plaid-webhooks.md); unset, PUBLIC_URL's /webhooks/plaid.
  PLAID_WEBHOOK_URL: httpUrl.optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be smtp://host:port').default('smtp://127.0.0.1:2525'),
  MAIL_FROM: z.string().min(3).default('Drypowder Payments <payments@drypowder.local>'),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  UPLOAD_DIR: z.string().min(1).default('.data/uploads'),
  // Business-day timers come from configuration so tests and demos can run them in seconds.
  BUSINESS_DAY_MS: durationMs.default(24 * 60 * 60 * 1000),
  // Calendar-day waits (a payment scheduled for a later date), shortened the same way.
  CALENDAR_DAY_MS: durationMs.default(24 * 60 * 60 * 1000),
  PENDING_INVESTIGATION_BUSINESS_DAYS: z.coerce.number().int().positive().default(3),
  RETURN_WINDOW_BUSINESS_DAYS: z.coerce.number().int().positive().default(5),
  INVITATION_TTL_MS: durationMs.default(7 * 24 * 60 * 60 * 1000),
  // A payment above the company's approval threshold waits this long for an owner, who is reminded every APPROVAL_REMINDER_MS.
  APPROVAL_TIMEOUT_MS: durationMs.default(3 * 24 * 60 * 60 * 1000),
  APPROVAL_REMINDER_MS: durationMs.default(24 * 60 * 60 * 1000),
  RECONCILE_POLL_MS: durationMs.default(5 * 60 * 1000),
  // Sign-in and password-reset attempts one client address may make per window (on top of per-account lock-out).
  AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(30),
  AUTH_RATE_LIMIT_WINDOW_MS: durationMs.default(15 * 60 * 1000),
  // Where attempts are counted: PostgreSQL, shared by every API replica; `memory` keeps them per process (tests).
  RATE_LIMIT_STORE: z.enum(['postgres', 'memory']).default('postgres'),
  /** Requests one public API key may make per window (docs/api-v1.md, "Rate limits"). */
  API_RATE_LIMIT_PER_KEY: z.coerce.number().int().positive().default(600),
  API_RATE_LIMIT_WINDOW_MS: durationMs.default(60 * 1000),
  // Express's `trust proxy`: which hops' X-Forwarded-For to believe. Behind one reverse proxy, 1;
  // the default believes only a proxy on this machine.
  TRUST_PROXY: z.string().min(1).default('loopback'),
  // Connections each process may hold; with several replicas their sum must stay under PostgreSQL's max_connections.
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  // Work one worker process takes on at once; the SDK's defaults suit a bigger machine than a 2-core replica.
  // The platform administrators' bearer token for /api/platform (dealer onboarding, docs/onboarding.md); unset, that API refuses every request.
  PLATFORM_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  // A bearer token /metrics demands when set; unset, /metrics is open (keep it off the public proxy then).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // The worker's /metrics port (0: none), and where Temporal's SDK serves its own metrics (host:port; unset: none).
  WORKER_METRICS_PORT: port.default(0),
  TEMPORAL_SDK_METRICS_ADDRESS: hostPort.optional(),
  // Outgoing webhooks (docs/webhooks.md): first wait after a failed attempt, longest wait, and how long to keep trying.
  WEBHOOK_RETRY_INITIAL_MS: durationMs.default(30_000),
  WEBHOOK_RETRY_MAX_INTERVAL_MS: durationMs.default(60 * 60 * 1000),
  WEBHOOK_GIVE_UP_AFTER_MS: durationMs.default(3 * 24 * 60 * 60 * 1000),
  // One attempt's limit: an endpoint slower than this counts as failed and is tried again.
  WEBHOOK_TIMEOUT_MS: durationMs.default(10_000),
  // Endpoints on loopback or private networks; off in production so a dealer cannot make us call inside our own network.
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).optional().transform((value) => value === undefined ? undefined : value === 'true'),
  // Settled payments' transfers are read back from the processor this often while their money can
  // still come back (ACH late returns up to 60 days, card chargebacks up to 120 and their
  // arbitration), so a return or chargeback whose webhook never arrived is still booked.
  TRANSFER_RECHECK_EVERY_MS: durationMs.default(6 * 60 * 60 * 1000),
  TRANSFER_RECHECK_ACH_WINDOW_DAYS: z.coerce.number().int().positive().default(75),
  TRANSFER_RECHECK_CARD_WINDOW_DAYS: z.coerce.number().int().positive().default(180),
  // An OpenTelemetry collector's OTLP/HTTP address (e.g. http://otel-collector:4318); unset, nothing is traced (runtime/tracing.ts).
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be a URL such as http://otel-collector:4318').optional(),
  WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(100),
  WORKER_MAX_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(1000).default(40),
}).superRefine((cfg, context) => {
  if (Boolean(cfg.TEMPORAL_TLS_CERT_PATH) !== Boolean(cfg.TEMPORAL_TLS_KEY_PATH)) {
    context.addIssue({ code: 'custom', path: [cfg.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH'], message: 'must be set together with its pair (client certificate and key)' });
  }
  if (cfg.NODE_ENV !== 'production') return;
  for (const name of Object.keys(DEV_DEFAULTS) as Array<keyof typeof DEV_DEFAULTS>) {
    if (cfg[name] === DEV_DEFAULTS[name]) context.addIssue({ code: 'custom', path: [name], message: 'must be set in production (it still has its development default)' });
  }
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration: ${issues.join('; ')}`);
  }
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable is an unset one: compose writes `NAME=` for an optional setting left blank.
  const result = configSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const given = env[name];
        return given === undefined ? `${name} is missing (${issue.message})` : `${name} ${issue.message}`;
      }),
    );
  }
  return result.data;
}

let cached: Config | undefined;

/** The process's configuration; on a bad value prints one line naming it and exits. */
export function config(): Config {
  if (!cached) {
    try {
      cached = parseConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError) exitWithOneLine(error.message);
      throw error;
    }
  }
  return cached;
}

export function exitWithOneLine(message: string): never {
  process.stderr.write(`drypowder: ${message}\n`);
  process.exit(1);
}

import { z } from 'zod';

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

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATABASE_URL: postgresUrl,
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: httpUrl.default('http://127.0.0.1:8233'),
  TASK_QUEUE: z.string().min(1).default('drypowder'),
  API_PORT: port.default(3000),
  PUBLIC_URL: httpUrl.default('http://127.0.0.1:3000'),
  // Comma-separated origins of UI dev servers allowed to call the API with credentials.
  CORS_ORIGINS: z.string().default(''),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').default('dev-only-session-secret-change-me'),
  SPRUCE_WEBHOOK_SECRET: z.string().min(16).default('dev-only-spruce-webhook-secret'),
  // An idle Spruce sync re-reads the change feed this often (catches webhooks that never came).
  SPRUCE_SYNC_POLL_MS: durationMs.default(60_000),
  // Longest pause between retries while Spruce is unreachable: bounds how late the sync resumes.
  SPRUCE_SYNC_RETRY_MAX_MS: durationMs.default(30_000),
  MOOV_URL: httpUrl.default('http://127.0.0.1:4020'),
  MOOV_PUBLIC_KEY: z.string().min(1).default('moov-dev-public'),
  MOOV_SECRET_KEY: z.string().min(1).default('moov-dev-secret'),
  MOOV_WEBHOOK_SECRET: z.string().min(16).default('dev-only-moov-webhook-secret'),
  MOOV_FACILITATOR_ACCOUNT_ID: z.string().min(1).default('acct_drypowder_facilitator'),
  PLAID_URL: httpUrl.default('http://127.0.0.1:4030'),
  PLAID_CLIENT_ID: z.string().min(1).default('plaid-dev-client'),
  PLAID_SECRET: z.string().min(1).default('plaid-dev-secret'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be smtp://host:port').default('smtp://127.0.0.1:2525'),
  MAIL_FROM: z.string().min(3).default('Drypowder Payments <payments@drypowder.local>'),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  UPLOAD_DIR: z.string().min(1).default('.data/uploads'),
  // Business-day timers come from configuration so tests and demos can run them in seconds.
  BUSINESS_DAY_MS: durationMs.default(24 * 60 * 60 * 1000),
  PENDING_INVESTIGATION_BUSINESS_DAYS: z.coerce.number().int().positive().default(3),
  RETURN_WINDOW_BUSINESS_DAYS: z.coerce.number().int().positive().default(5),
  INVITATION_TTL_MS: durationMs.default(7 * 24 * 60 * 60 * 1000),
  RECONCILE_POLL_MS: durationMs.default(5 * 60 * 1000),
  // Sign-in and password-reset attempts one client address may make per window (on top of per-account lock-out).
  AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(30),
  AUTH_RATE_LIMIT_WINDOW_MS: durationMs.default(15 * 60 * 1000),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration: ${issues.join('; ')}`);
  }
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = configSchema.safeParse(env);
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

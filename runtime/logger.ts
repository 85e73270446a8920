import pino from 'pino';

type Tap = (line: string) => void;
const taps = new Set<Tap>();
const stdout = pino.destination({ dest: process.stdout.fd || 1 });

/** Lines go to stdout, or only to the taps while a capture is on (tests read what was logged). */
const sink = {
  write(line: string): void {
    if (taps.size === 0) stdout.write(line);
    else for (const tap of taps) tap(line);
  },
};

/**
 * Field names whose values are secrets or card data, matched without regard to case wherever
 * they sit in a logged object (`password`, `body.card.cvv`, `req.headers.cookie`), so logging
 * a whole request body, headers or a client's answer cannot leak them.
 */
const SENSITIVE_KEYS = new Set([
  'password', 'newpassword', 'currentpassword', 'password_hash', 'passwordhash',
  'token', 'csrftoken', 'csrf_token', 'accesstoken', 'access_token', 'publictoken', 'public_token', 'processortoken', 'processor_token', 'linktoken', 'link_token',
  'secret', 'secretkey', 'secret_key', 'client_secret', 'apikey', 'api_key', 'spruce_api_key', 'spruce_webhook_secret', 'webhook_secret', 'webhooksecret',
  'cardnumber', 'card_number', 'cardcvv', 'cvv', 'cvc', 'accountnumber', 'account_number',
  'cookie', 'set-cookie', 'authorization', 'x-csrf-token', 'x-signature', 'spruce-signature', 'plaid-secret',
]);
const CENSOR = '[redacted]';
const MAX_DEPTH = 6;

/**
 * A copy of `value` with sensitive fields censored; `value` itself when it has none (the usual
 * case costs one walk, no allocation). Plain objects and arrays only: errors go through pino's
 * serializer and the explicit paths below, other class instances are left to theirs.
 */
export function censorSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const censored = censorSecrets(item, depth + 1);
      if (censored !== item) (copy ??= [...value])[index] = censored;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [name, field] of Object.entries(value)) {
    const censored = SENSITIVE_KEYS.has(name.toLowerCase()) ? (field === undefined || field === null ? field : CENSOR) : censorSecrets(field, depth + 1);
    if (censored !== field) (copy ??= { ...(value as Record<string, unknown>) })[name] = censored;
  }
  return copy ?? value;
}

/** Structured JSON logs. Secrets, card data and tokens are censored before any sink sees them. */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    base: { service: process.env.DRYPOWDER_SERVICE ?? 'drypowder' },
    formatters: { log: (object) => censorSecrets(object) as Record<string, unknown> },
    redact: {
      // An HTTP client's error carries the whole request it made, credentials included.
      paths: ['err.config', 'err.request', 'err.response.config', 'err.response.request', 'err.cause.config', 'err.cause.request'],
      censor: CENSOR,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  sink,
);

export type Logger = typeof logger;

export interface LogCapture {
  /** Every serialized line logged since the capture began (after redaction, as a sink sees it). */
  readonly lines: string[];
  /** The lines parsed, for assertions on fields. */
  records(): Array<Record<string, unknown> & { msg?: string; level: number }>;
  stop(): void;
}

/**
 * Captures every line this process logs (the API's and an in-process worker's, children
 * included) at `level` and above, instead of writing it to stdout. Tests use it to assert
 * what was logged and to scan logs for secrets.
 */
export function captureLogs(level: pino.LevelWithSilent = 'trace'): LogCapture {
  const lines: string[] = [];
  const tap: Tap = (line) => lines.push(line);
  const previousLevel = logger.level;
  taps.add(tap);
  logger.level = level;
  return {
    lines,
    records: () => lines.map((line) => JSON.parse(line)),
    stop() {
      taps.delete(tap);
      if (taps.size === 0) logger.level = previousLevel;
    },
  };
}

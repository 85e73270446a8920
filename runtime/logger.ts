import pino from 'pino';

/** Structured JSON logs. Redaction keeps secrets, card data and tokens out of log sinks. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.DRYPOWDER_SERVICE ?? 'drypowder' },
  redact: {
    paths: [
      'password',
      '*.password',
      'token',
      '*.token',
      'req.headers.cookie',
      'req.headers.authorization',
      'req.headers["x-csrf-token"]',
      '*.cardNumber',
      '*.card_number',
      '*.cvv',
      '*.accountNumber',
      '*.secret',
    ],
    censor: '[redacted]',
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = typeof logger;

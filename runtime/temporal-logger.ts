import { DefaultLogger, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's own log lines (activity failures, workflow `log` calls, worker state)
 * written through our logger, so they get the same JSON shape and the same redaction as the
 * rest of the worker's lines. `otherwise` takes a line our logger would drop (tests, where
 * our logger is silent but SDK warnings still help).
 */
export function temporalRuntimeLogger(log: Logger, level: LogLevel, otherwise?: DefaultLogger): DefaultLogger {
  return new DefaultLogger(level, (entry) => {
    const pinoLevel = PINO_LEVEL[entry.level];
    if (otherwise && !log.isLevelEnabled(pinoLevel)) {
      otherwise.log(entry.level, entry.message, entry.meta);
      return;
    }
    // pino serializes an Error only under `err`; under `error` it would print as {}.
    const { error, ...meta } = entry.meta ?? {};
    log[pinoLevel]({ sdk: 'temporal', ...meta, ...(error === undefined ? {} : { err: error }) }, entry.message);
  });
}

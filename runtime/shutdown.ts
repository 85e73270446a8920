import { logger } from './logger';

/** Runs the cleanups once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export function onShutdown(cleanup: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    cleanup().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** Turns a start-up failure into one line on stderr (no stack trace) and a non-zero exit. */
export function describeStartupError(error: unknown, what: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|did not answer|Failed to connect|transport error|deadline/i.test(message)) {
    return `cannot reach ${what}: ${message.split('\n')[0]}`;
  }
  return `${what}: ${message.split('\n')[0]}`;
}

import { logger } from '../runtime/logger';
import { onShutdown } from '../runtime/shutdown';
import { startSmtpSink } from './smtp-sink';
import { startSpruceEmulator } from './spruce';

/**
 * Runs every local stand-in in one process for the dev stack: the Spruce ERP, Moov, Plaid
 * and an SMTP sink. Ports come from the environment so the dev script owns the layout.
 */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  const smtp = await startSmtpSink({ smtpPort: port('SMTP_PORT', 2525), httpPort: port('MAIL_HTTP_PORT', 4040) });
  stops.push(smtp.stop);
  logger.info({ smtp: smtp.smtpPort, inbox: smtp.http.url }, 'smtp sink ready');
  const spruce = await startSpruceEmulator({ port: port('SPRUCE_PORT', 4010), dataDir: process.env.EMULATOR_DATA_DIR ? `${process.env.EMULATOR_DATA_DIR}/spruce` : undefined, log: (message, data) => logger.info({ emulator: 'spruce', ...data }, message) });
  stops.push(spruce.stop);

  onShutdown(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  logger.info('emulators ready');
}

main().catch((error) => {
  process.stderr.write(`drypowder emulators: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

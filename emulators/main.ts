import { logger } from '../runtime/logger';
import { onShutdown } from '../runtime/shutdown';
import { startMoovEmulator } from './moov';
import { startPlaidEmulator } from './plaid';
import { startSmtpSink } from './smtp-sink';
import { startSpruceEmulator } from './spruce';

/**
 * Runs every local stand-in in one process for the dev stack: the Spruce ERP, Moov, Plaid
 * and an SMTP sink. Ports come from the environment so the dev script owns the layout.
 */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// In a container the emulators listen on every interface, so the API and the browser reach them.
const host = process.env.EMULATOR_HOST ?? '127.0.0.1';

async function main(): Promise<void> {
  const stops: Array<() => Promise<void>> = [];
  const smtp = await startSmtpSink({ smtpPort: port('SMTP_PORT', 2525), httpPort: port('MAIL_HTTP_PORT', 4040), host });
  stops.push(smtp.stop);
  logger.info({ smtp: smtp.smtpPort, inbox: smtp.http.url }, 'smtp sink ready');
  const spruce = await startSpruceEmulator({ port: port('SPRUCE_PORT', 4010), host, dataDir: process.env.EMULATOR_DATA_DIR ? `${process.env.EMULATOR_DATA_DIR}/spruce` : undefined, log: (message, data) => logger.info({ emulator: 'spruce', ...data }, message) });
  stops.push(spruce.stop);
  const plaid = await startPlaidEmulator({ port: port('PLAID_PORT', 4030), host, publicUrl: process.env.PLAID_BROWSER_URL, dataDir: process.env.EMULATOR_DATA_DIR ? `${process.env.EMULATOR_DATA_DIR}/plaid` : undefined, clientId: process.env.PLAID_CLIENT_ID, secret: process.env.PLAID_SECRET });
  stops.push(plaid.stop);
  const moov = await startMoovEmulator({
    port: port('MOOV_PORT', 4020),
    host,
    achBusinessDayMs: process.env.MOOV_ACH_BUSINESS_DAY_MS ? Number(process.env.MOOV_ACH_BUSINESS_DAY_MS) : undefined,
    // Inside a container network the API is not at PUBLIC_URL (the browsers' address).
    webhookUrl: process.env.MOOV_EMULATOR_WEBHOOK_URL ?? `${(process.env.PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '')}/webhooks/moov`,
    webhookSecret: process.env.MOOV_WEBHOOK_SECRET ?? 'dev-only-moov-webhook-secret',
    dataDir: process.env.EMULATOR_DATA_DIR ? `${process.env.EMULATOR_DATA_DIR}/moov` : undefined,
    publicKey: process.env.MOOV_PUBLIC_KEY,
    secretKey: process.env.MOOV_SECRET_KEY,
    facilitatorAccountId: process.env.MOOV_FACILITATOR_ACCOUNT_ID,
    plaid: { url: plaid.url },
    onError: (message, error) => logger.error({ emulator: 'moov', err: error }, message),
  });
  stops.push(moov.stop);
  logger.info({ moov: moov.url, plaid: plaid.url }, 'moov and plaid emulators ready');

  onShutdown(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  logger.info('emulators ready');
}

main().catch((error) => {
  process.stderr.write(`drypowder emulators: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

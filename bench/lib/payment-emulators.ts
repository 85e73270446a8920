import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { startMoovEmulator, type MoovEmulatorTiming } from '../../emulators/moov';
import { startPlaidEmulator } from '../../emulators/plaid';
import { startSpruceEmulator } from '../../emulators/spruce';
import { startSmtpSink } from '../../emulators/smtp-sink';
import { connect } from 'node:net';
import { root, tmpDir, waitFor } from './infra';
import { RUN_SECRETS } from './run-secrets';
import { spawnOwned, stopOwned } from './owned-processes';
import { freePort, processCpuMs } from './services';

/**
 * The Moov and Plaid emulators (and, when asked, the Spruce emulator) for the payment
 * benchmarks and the chaos run, in their own process (they stand for services on other
 * machines; in the load generator's process they would slow it down and it them). By default
 * Moov clears every transfer at once: cards authorize and settle with no delay, an ACH
 * business day lasts 0 ms; `moovTiming` and `achBusinessDayMs` slow it down.
 */
export interface PaymentEmulatorsProcess {
  moovUrl: string;
  plaidUrl: string;
  /** Set when started with `spruce: true`. */
  spruceUrl?: string;
  /** The mail server the product's outbox relays to: without one every receipt is a failed send retried, which no dealer's books would show. */
  smtpUrl: string;
  log: string;
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface PaymentEmulatorsOptions {
  webhookUrl: string;
  webhookSecret: string;
  label: string;
  moovTiming?: Partial<MoovEmulatorTiming>;
  achBusinessDayMs?: number;
  webhookRetryDelaysMs?: number[];
  spruce?: boolean;
  /** The API secrets the emulators accept (their development defaults otherwise); a product process in production mode refuses the defaults. */
  moovSecretKey?: string;
  plaidSecret?: string;
}

interface ChildSettings {
  moovPort: number;
  smtpPort: number;
  plaidPort: number;
  sprucePort?: number;
  webhookUrl: string;
  webhookSecret: string;
  moovTiming?: Partial<MoovEmulatorTiming>;
  achBusinessDayMs?: number;
  webhookRetryDelaysMs?: number[];
  moovSecretKey?: string;
  plaidSecret?: string;
}

/** Resolves once something accepts connections on the port (the sink greets only after connect). */
function smtpAnswers(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

export async function startPaymentEmulatorsProcess(options: PaymentEmulatorsOptions): Promise<PaymentEmulatorsProcess> {
  const [moovPort, plaidPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const sprucePort = options.spruce ? await freePort() : undefined;
  const settings: ChildSettings = {
    moovPort, plaidPort, smtpPort, sprucePort, webhookUrl: options.webhookUrl, webhookSecret: options.webhookSecret,
    moovTiming: options.moovTiming, achBusinessDayMs: options.achBusinessDayMs, webhookRetryDelaysMs: options.webhookRetryDelaysMs,
    moovSecretKey: options.moovSecretKey ?? RUN_SECRETS.MOOV_SECRET_KEY, plaidSecret: options.plaidSecret ?? RUN_SECRETS.PLAID_SECRET,
  };
  const log = path.join(tmpDir, `bench-${options.label}-emulators-${process.pid}.log`);
  const fd = openSync(log, 'w');
  const child = spawnOwned(process.execPath, ['--import', 'tsx', __filename], {
    cwd: root,
    env: { ...process.env, BENCH_EMULATORS: JSON.stringify(settings) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const moovUrl = `http://127.0.0.1:${moovPort}`;
  const plaidUrl = `http://127.0.0.1:${plaidPort}`;
  const spruceUrl = sprucePort ? `http://127.0.0.1:${sprucePort}` : undefined;
  const stop = () => stopOwned(child);
  try {
    await waitFor('the payment emulators', async () => {
      if (child.exitCode !== null) throw new Error(`the emulators exited with code ${child.exitCode}; see ${log}`);
      await fetch(moovUrl);
      await fetch(plaidUrl);
      if (spruceUrl) await fetch(spruceUrl);
      await smtpAnswers(smtpPort);
      return true;
    }, 120_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { moovUrl, plaidUrl, spruceUrl, smtpUrl: `smtp://127.0.0.1:${smtpPort}`, log: path.relative(root, log), cpuMs: () => processCpuMs(child.pid), stop };
}

if (require.main === module) {
  (async () => {
    const settings = JSON.parse(process.env.BENCH_EMULATORS ?? '{}') as ChildSettings;
    const plaid = await startPlaidEmulator({ port: settings.plaidPort, ...(settings.plaidSecret ? { secret: settings.plaidSecret } : {}) });
    const moov = await startMoovEmulator({
      port: settings.moovPort,
      ...(settings.moovSecretKey ? { secretKey: settings.moovSecretKey } : {}),
      timing: { cardAuthorizeMs: 0, cardSettleMs: 0, ...settings.moovTiming },
      achBusinessDayMs: settings.achBusinessDayMs ?? 0,
      webhookUrl: settings.webhookUrl,
      webhookSecret: settings.webhookSecret,
      ...(settings.webhookRetryDelaysMs ? { webhookRetryDelaysMs: settings.webhookRetryDelaysMs } : {}),
      plaid: { url: plaid.url },
    });
    const spruce = settings.sprucePort ? await startSpruceEmulator({ port: settings.sprucePort }) : undefined;
    const smtp = await startSmtpSink({ smtpPort: settings.smtpPort, httpPort: 0 });
    const stop = async () => {
      await smtp.stop();
      await spruce?.stop();
      await moov.stop();
      await plaid.stop();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop());
    process.on('SIGINT', () => void stop());
    process.stdout.write(`moov ${moov.url}, plaid ${plaid.url}${spruce ? `, spruce ${spruce.url}` : ''}\n`);
  })().catch((error) => {
    process.stderr.write(`payment emulators: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

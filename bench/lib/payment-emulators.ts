import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { startMoovEmulator } from '../../emulators/moov';
import { startPlaidEmulator } from '../../emulators/plaid';
import { root, tmpDir, waitFor } from './infra';
import { freePort, processCpuMs } from './services';

/**
 * The Moov and Plaid emulators for the payment benchmark, in their own process (they stand
 * for services on other machines; in the load generator's process they would slow it down
 * and it them). Moov clears every transfer at once: cards authorize and settle with no
 * delay, an ACH business day lasts 0 ms.
 */
export interface PaymentEmulatorsProcess {
  moovUrl: string;
  plaidUrl: string;
  log: string;
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startPaymentEmulatorsProcess(options: { webhookUrl: string; webhookSecret: string; label: string }): Promise<PaymentEmulatorsProcess> {
  const [moovPort, plaidPort] = [await freePort(), await freePort()];
  const log = path.join(tmpDir, `bench-${options.label}-emulators-${process.pid}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    cwd: root,
    env: { ...process.env, BENCH_MOOV_PORT: String(moovPort), BENCH_PLAID_PORT: String(plaidPort), BENCH_WEBHOOK_URL: options.webhookUrl, BENCH_WEBHOOK_SECRET: options.webhookSecret },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const moovUrl = `http://127.0.0.1:${moovPort}`;
  const plaidUrl = `http://127.0.0.1:${plaidPort}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  };
  try {
    await waitFor('the payment emulators', async () => {
      if (child.exitCode !== null) throw new Error(`the emulators exited with code ${child.exitCode}; see ${log}`);
      await fetch(moovUrl);
      await fetch(plaidUrl);
      return true;
    }, 120_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { moovUrl, plaidUrl, log: path.relative(root, log), cpuMs: () => processCpuMs(child.pid), stop };
}

if (require.main === module) {
  (async () => {
    const plaid = await startPlaidEmulator({ port: Number(process.env.BENCH_PLAID_PORT) });
    const moov = await startMoovEmulator({
      port: Number(process.env.BENCH_MOOV_PORT),
      timing: { cardAuthorizeMs: 0, cardSettleMs: 0 },
      achBusinessDayMs: 0,
      webhookUrl: process.env.BENCH_WEBHOOK_URL,
      webhookSecret: process.env.BENCH_WEBHOOK_SECRET,
      plaid: { url: plaid.url },
    });
    const stop = async () => {
      await moov.stop();
      await plaid.stop();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop());
    process.on('SIGINT', () => void stop());
    process.stdout.write(`moov ${moov.url}, plaid ${plaid.url}\n`);
  })().catch((error) => {
    process.stderr.write(`payment emulators: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

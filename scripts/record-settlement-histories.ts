/**
 * Records event histories of the settlement workflow for the replay test
 * (test/settlement-replay.test.ts). Settlement workflows live for days, so a deploy meets
 * running ones: each history recorded here is replayed by the current code, which must take
 * the same commands (a change of command order goes behind `patched()`).
 *
 *   npx tsx scripts/record-settlement-histories.ts [--workflows <dir>/workflows/index.ts] [--label <name>]
 *
 * --workflows records with another checkout's workflow code (e.g. an older commit extracted
 * with `git archive`), so the fixture shows what workflows started under that shape did.
 * Activities are stand-ins: only the workflow's own commands matter to a replay.
 * Writes test/fixtures/workflow-histories/settlement-<label>-<scenario>.json.
 */
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { provisionTemporalCli } from '../runtime/temporal-cli';
import { signalPaymentJoined } from '../workflows/settlement-client';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1]! : fallback;
};
const workflowsPath = path.resolve(option('workflows', path.resolve(__dirname, '../workflows/index.ts')));
const label = option('label', 'current');
const OUT = path.resolve(__dirname, '../test/fixtures/workflow-histories');

async function main() {
  const cli = await provisionTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: cli }, log: { format: 'json', level: 'error' } } });
  const taskQueue = `record-${randomUUID()}`;
  let status: 'ready' | 'posted' = 'ready';
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: {
      closeSettlement: async () => ({ status: 'ready', paymentCount: 2 }),
      notifyPaymentsPosted: async () => ({ status, notified: 2 }),
    },
  });
  const client: Client = env.client;
  mkdirSync(OUT, { recursive: true });

  await worker.runUntil(async () => {
    // Closed early by an operator: two payments join, closeNow, a posting by hand, resolve.
    // closeAfterMs: the cutoff timer fires first instead (closeNow never sent).
    for (const scenario of [{ name: 'closed-early', closeAfterMs: 3_600_000 }, { name: 'closed-at-cutoff', closeAfterMs: 1_500 }]) {
      status = 'ready';
      const dealerId = randomUUID();
      const workflowId = `settlement-${dealerId}-2026-11-17`;
      const input = { settlementId: randomUUID(), dealerId, businessDate: '2026-11-17', closesAt: new Date(Date.now() + scenario.closeAfterMs).toISOString() };
      const handle = await signalPaymentJoined(client, taskQueue, { workflowId, input }, randomUUID());
      await handle.signal('paymentJoined', { paymentId: randomUUID() });
      if (scenario.name === 'closed-early') await handle.signal('closeNow', { actorId: randomUUID() });
      await until(async () => (await handle.query<{ status: string }>('state')).status === 'ready');
      status = 'posted';
      await handle.signal('postingChanged', { notifyPayments: true });
      await until(async () => (await handle.query<{ status: string }>('state')).status === 'posted');
      await handle.signal('resolved', { actorId: randomUUID() });
      await handle.result();
      const file = path.join(OUT, `settlement-${label}-${scenario.name}.json`);
      // The CLI's JSON is the format Temporal's tools exchange histories in (historyFromJSON reads it).
      writeFileSync(file, execFileSync(cli, ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', env.address], { encoding: 'utf8' }));
      process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    }
  });
  await env.teardown();
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the workflow');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { requiredEnv } from '../support/temporal';

/**
 * Payment workflows live for weeks, so the code must replay every history an earlier version
 * wrote. The fixtures in payment-histories/ were recorded by record-payment-histories.test.ts
 * from the payment workflow as it was before its customer emails (commit 4ce72a8): a card that
 * settles, a declined card, a card disputed and refunded, an ACH payment frozen, released and
 * terminated, and an ACH payment returned after settling. Any change to the command order
 * that is not behind patched() fails here with a nondeterminism error.
 */
const FIXTURES = path.resolve(__dirname, 'payment-histories');

describe('payment workflow replay', () => {
  const files = readdirSync(FIXTURES).filter((file) => file.endsWith('.history.bin')).sort();

  it('has the recorded histories to replay', () => {
    expect(files.map((file) => file.replace('.history.bin', ''))).toEqual(['ach-frozen-terminated', 'ach-returned', 'card-declined', 'card-disputed-refunded', 'card-settled']);
  });

  it('replays every recorded payment history with the current workflow code', async () => {
    async function* histories() {
      for (const file of files) yield { workflowId: file.replace('.history.bin', ''), history: temporal.api.history.v1.History.decode(readFileSync(path.join(FIXTURES, file))) };
    }
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: requiredEnv('WORKFLOW_BUNDLE_PATH') } }, histories())) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});

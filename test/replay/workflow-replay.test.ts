import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { requiredEnv } from '../support/temporal';
import { recordedHistories, REPLAYED_WORKFLOWS, startedWorkflowType, type ReplayedWorkflow } from './histories';

/**
 * Payments live for weeks, settlements and GL postings for days and a Spruce sync for as long
 * as its dealer does, so every deploy meets running workflows: the current code must replay
 * every history an earlier version wrote without a nondeterminism error. A change of command
 * order (an activity added, removed, moved, or a timer changed) that is not behind patched()
 * fails here. The fixtures are recorded from real runs (scripts/record-workflow-histories.ts;
 * docs/workflow-replay.md), some by older code:
 *   payment/pre-customer-emails-*  before the customer emails (commit 4ce72a8);
 *   settlement/pre-sequence-*      before a business day could hold several settlements;
 *   <workflow>/dd8c0d6-*           before the GL-posting workflow left "payments posted" to the
 *                                  settlement workflow (settlement-notifies-*: after);
 *   webhook-delivery/webhooks-*    a delivery retries for up to 3 days, so it meets deploys too;
 *   reminders/reminders-*          a dealer's reminders run waits a day between runs.
 */
describe('workflow replay', () => {
  beforeAll(() => {
    try {
      // Each replay starts and stops a worker; their state changes are not news here.
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Already installed by another file in this worker process.
    }
  });
  const workflows = Object.keys(REPLAYED_WORKFLOWS) as ReplayedWorkflow[];

  it.each(workflows)('has recorded %s histories, each of its own workflow type', (workflow) => {
    const histories = recordedHistories(workflow);
    expect(histories.length).toBeGreaterThan(0);
    expect(new Set(histories.map(({ history }) => startedWorkflowType(history)))).toEqual(new Set([REPLAYED_WORKFLOWS[workflow]]));
  });

  it.each(workflows)('replays every recorded %s history on the current workflow code', async (workflow) => {
    const histories = recordedHistories(workflow);
    const replayed: Array<[string, string | null]> = [];
    const source = histories.map(({ name, history }) => ({ workflowId: name, history }));
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: requiredEnv('WORKFLOW_BUNDLE_PATH') } }, source)) {
      replayed.push([result.workflowId, result.error ? `${result.error.name}: ${result.error.message}` : null]);
    }
    expect(replayed).toEqual(histories.map(({ name }) => [name, null]));
  });
});

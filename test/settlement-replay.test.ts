import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { requiredEnv } from './support/temporal';

/**
 * Settlement workflows wait for the cutoff and then for posting and resolve, often for days,
 * so a deploy always meets running ones. Histories recorded by earlier versions of the code
 * (scripts/record-settlement-histories.ts) must replay on the current workflow bundle without
 * a nondeterminism error: a change of command order goes behind `patched()`.
 *
 * settlement-pre-sequence-*: recorded before a business day could hold several settlements
 * (input without `sequence`, the `settlement-<dealerId>-<date>` id), closed early and at the cutoff.
 */
const FIXTURES = path.resolve(__dirname, 'fixtures/workflow-histories');

/**
 * A history file (the JSON `temporal workflow show --output json` writes) as a History.
 * @temporalio/common's historyFromJSON throws "type must be a Type" in this install: common and
 * proto each carry their own copy of protobufjs 8 (the root holds 7 for other packages), and
 * one copy's JSON reader refuses the other's types. The reader of the copy @temporalio/proto
 * itself loads works however npm lays the copies out.
 */
function historyFromFile(file: string): proto.temporal.api.history.v1.IHistory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [require.resolve('@temporalio/proto')] }));
  const historyType = (patchProtobufRoot(proto) as any).lookupType('temporal.api.history.v1.History');
  return fromJson(historyType, JSON.parse(readFileSync(file, 'utf8')), { ignoreUnknownFields: true });
}

describe('settlement workflow replay', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.startsWith('settlement-') && name.endsWith('.json')).sort();

  it('has recorded histories to replay', () => {
    expect(files).toEqual(expect.arrayContaining(['settlement-pre-sequence-closed-early.json', 'settlement-pre-sequence-closed-at-cutoff.json']));
  });

  it('replays every recorded settlement history on the current workflow code', async () => {
    const histories = files.map((name) => ({ workflowId: name.replace(/\.json$/, ''), history: historyFromFile(path.join(FIXTURES, name)) }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: requiredEnv('WORKFLOW_BUNDLE_PATH') } }, histories)) results.push(result);
    expect(results.map((result) => [result.workflowId, result.error?.message ?? null])).toEqual(histories.map((history) => [history.workflowId, null]));
  });
});

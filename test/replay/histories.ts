import { temporal } from '@temporalio/proto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the recorded workflow histories live and how they are stored: one directory per
 * workflow, one binary protobuf `History` per file (`<label>-<scenario>.history.bin`, the label
 * naming the code that recorded it). Binary, because it is read by @temporalio/proto's own
 * codec: the SDK's JSON reader (historyFromJSON) throws "type must be a Type" in this install,
 * where @temporalio/common and @temporalio/proto each carry their own copy of protobufjs.
 */
export const HISTORIES = path.resolve(__dirname, 'histories');

/** The workflows whose histories must replay, by fixture directory. */
export const REPLAYED_WORKFLOWS = {
  payment: 'paymentWorkflow',
  settlement: 'settlementWorkflow',
  'gl-posting': 'glPostingWorkflow',
  'spruce-sync': 'spruceSyncWorkflow',
  'webhook-delivery': 'webhookDeliveryWorkflow',
  reminders: 'remindersWorkflow',
  'scheduled-payment': 'scheduledPaymentWorkflow',
  autopay: 'autopayWorkflow',
  'payment-approval': 'paymentApprovalWorkflow',
} as const;

export type ReplayedWorkflow = keyof typeof REPLAYED_WORKFLOWS;

const SUFFIX = '.history.bin';

export const historyFileName = (label: string, scenario: string) => `${label}-${scenario}${SUFFIX}`;

export interface RecordedHistory {
  workflow: ReplayedWorkflow;
  /** `<workflow>/<file name without suffix>`, what a replay failure is reported under. */
  name: string;
  history: temporal.api.history.v1.History;
}

export function recordedHistories(workflow: ReplayedWorkflow): RecordedHistory[] {
  const dir = path.join(HISTORIES, workflow);
  return readdirSync(dir)
    .filter((file) => file.endsWith(SUFFIX))
    .sort()
    .map((file) => ({ workflow, name: `${workflow}/${file.slice(0, -SUFFIX.length)}`, history: temporal.api.history.v1.History.decode(readFileSync(path.join(dir, file))) }));
}

/** The workflow type a history starts, from its first event. */
export function startedWorkflowType(history: temporal.api.history.v1.IHistory): string | null | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}

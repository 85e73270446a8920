import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ingestWorkflow } from './ingest';
import { ingestWorkflowId } from './ingest-definitions';

/**
 * Starts the validation (and, once the operator decides, the commit) of an upload. One run has
 * one workflow: the id is the run's, and a second start of the same run is refused by Temporal
 * (the API starts it once, right after recording the run). Client side only.
 */
export async function startIngest(temporal: Client, taskQueue: string, runId: string): Promise<WorkflowHandleWithFirstExecutionRunId<typeof ingestWorkflow>> {
  return temporal.workflow.start(ingestWorkflow, { taskQueue, workflowId: ingestWorkflowId(runId), args: [{ runId }] });
}

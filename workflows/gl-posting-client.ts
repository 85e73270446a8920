import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { glPostingWorkflow } from './gl-posting';
import { glPostingWorkflowId, type GlPostingInput } from './settlement-definitions';

/**
 * Starts the auto-post of a settlement (`gl-posting-<settlementId>`). A second click (or a
 * retried request) joins the running workflow instead of starting another; a finished run may
 * be followed by a new one for lines still to post. Client side only.
 */
export async function startGlPosting(temporal: Client, taskQueue: string, input: GlPostingInput): Promise<WorkflowHandleWithFirstExecutionRunId<typeof glPostingWorkflow>> {
  return temporal.workflow.start(glPostingWorkflow, {
    workflowId: glPostingWorkflowId(input.settlementId),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
}

import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { invitationWorkflow } from './invitation';
import { invitationWorkflowId, type InvitationWorkflowInput } from './invitation-definitions';

/**
 * Starts the workflow that emails an invitation and expires it. An invitation id is never
 * reused (a resend is a new invitation), so a second start of one is refused. Client side only.
 */
export async function startInvitationWorkflow(temporal: Client, taskQueue: string, input: InvitationWorkflowInput): Promise<void> {
  await temporal.workflow.start(invitationWorkflow, {
    taskQueue,
    workflowId: invitationWorkflowId(input.invitationId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    args: [input],
  });
}

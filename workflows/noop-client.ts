import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { noopWorkflow } from './noop';

/** Runs the do-nothing workflow to completion: the benchmarks' floor, and proof a worker is serving the queue. */
export async function runNoop(temporal: Client, taskQueue: string, options: { workflowId: string; workflowExecutionTimeout?: Duration }): Promise<string> {
  return temporal.workflow.execute(noopWorkflow, { taskQueue, ...options });
}

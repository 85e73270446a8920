import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import { createActivities, type ActivityDeps } from '../activities';
import type { TemporalSecurity } from '../runtime/temporal-client';

export interface WorkerSetup {
  address: string;
  namespace: string;
  /** TLS and credentials for a secured server (runtime/temporal-client.ts temporalSecurity). */
  security?: TemporalSecurity;
  taskQueue: string;
  /** Everything but the Temporal client and task queue, which the worker provides itself. */
  deps: Omit<ActivityDeps, 'temporal' | 'taskQueue'> & Partial<Pick<ActivityDeps, 'temporal'>>;
  /** A prebuilt workflow bundle (tests build it once per run); otherwise bundled from source. */
  workflowBundlePath?: string;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
  /** Tracing (runtime/tracing.ts): the worker's plugin. */
  plugins?: WorkerOptions['plugins'];
}

export interface RunningWorker {
  worker: Worker;
  /** Closes the connections once `worker.run()` has returned. */
  close(): Promise<void>;
}

/**
 * A worker plus a client for activities that start or signal other workflows (a cleared
 * payment joins its settlement with signalWithStart), on the worker's own task queue.
 */
export async function createWorker(setup: WorkerSetup): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: setup.address, ...setup.security });
  const clientConnection = setup.deps.temporal ? undefined : await Connection.connect({ address: setup.address, connectTimeout: '30s', ...setup.security });
  const temporal = setup.deps.temporal ?? new Client({ connection: clientConnection!, namespace: setup.namespace });
  const workflowSource = setup.workflowBundlePath
    ? { workflowBundle: { codePath: setup.workflowBundlePath } }
    : { workflowsPath: path.resolve(__dirname, '../workflows/index.ts') };
  const worker = await Worker.create({
    connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities: createActivities({ ...setup.deps, temporal, taskQueue: setup.taskQueue }),
    ...workflowSource,
    ...setup.tuning,
    plugins: setup.plugins ?? [],
  });
  return {
    worker,
    async close() {
      await connection.close();
      await clientConnection?.close();
    },
  };
}

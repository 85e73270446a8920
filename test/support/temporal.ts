import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { logger } from '../../runtime/logger';
import { temporalRuntimeLogger } from '../../runtime/temporal-logger';
import { createWorker, type WorkerSetup } from '../../worker/create-worker';

/**
 * A worker on its own task queue (so test files never steal each other's tasks) against the
 * run's dev server, using the workflow bundle the global setup built once.
 */
let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Through our logger, so a test capturing logs sees the SDK's lines too; to stderr otherwise.
  Runtime.install({ logger: temporalRuntimeLogger(logger, 'WARN', new DefaultLogger('WARN')) });
}

export async function startTestWorker(deps: WorkerSetup['deps'], options: { taskQueue?: string } = {}): Promise<{ client: Client; taskQueue: string; worker: Worker; stop(): Promise<void> }> {
  quietRuntime();
  const address = requiredEnv('TEMPORAL_ADDRESS');
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const { worker, close } = await createWorker({
    address,
    namespace: 'default',
    taskQueue,
    deps,
    workflowBundlePath: requiredEnv('WORKFLOW_BUNDLE_PATH'),
  });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address, connectTimeout: '30s' });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  return {
    client,
    taskQueue,
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await close();
      await clientConnection.close();
    },
  };
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest so the global setup starts the services`);
  return value;
}

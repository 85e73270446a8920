import './worker/start-tracing';
import { Runtime } from '@temporalio/worker';
import { createDb } from './db/connection';
import { sealPlaintextCredentials } from './db/dealers';
import { config, exitWithOneLine } from './runtime/config';
import { logger } from './runtime/logger';
import { describeStartupError, onShutdown } from './runtime/shutdown';
import { temporalRuntimeLogger } from './runtime/temporal-logger';
import { createWorker } from './worker/create-worker';
import { connectTemporalClient, temporalSecurity } from './runtime/temporal-client';
import { startWorkerDuties } from './worker/duties';
import { serveWorkerMetrics } from './worker/metrics-server';
import { countStatements, labelMetrics } from './runtime/metrics';
import { prebuiltWorkflowBundle } from './runtime/project-root';
import { tracing } from './runtime/tracing';

/** The Temporal worker: runs every workflow and activity on the configured task queue. */
async function main(): Promise<void> {
  const cfg = config();
  Runtime.install({
    logger: temporalRuntimeLogger(logger, cfg.LOG_LEVEL === 'debug' ? 'INFO' : 'WARN'),
    // The SDK's own metrics (task latencies, poller counts, cache) on their own endpoint.
    ...(cfg.TEMPORAL_SDK_METRICS_ADDRESS ? { telemetryOptions: { metrics: { prometheus: { bindAddress: cfg.TEMPORAL_SDK_METRICS_ADDRESS } } } } : {}),
  });
  labelMetrics('worker');
  const stopMetrics = cfg.WORKER_METRICS_PORT > 0 ? serveWorkerMetrics(cfg.WORKER_METRICS_PORT, cfg.METRICS_TOKEN) : () => undefined;
  const db = createDb(cfg.DATABASE_URL, { max: cfg.DB_POOL_MAX });
  countStatements(db);
  await db.raw('select 1').catch((error) => exitWithOneLine(describeStartupError(error, 'PostgreSQL at DATABASE_URL')));
  const temporalAt = `Temporal at TEMPORAL_ADDRESS=${cfg.TEMPORAL_ADDRESS}`;
  // One client for the activities that start or signal workflows and for the worker's duties.
  const temporal = await connectTemporalClient(cfg.TEMPORAL_ADDRESS, cfg.TEMPORAL_NAMESPACE, temporalSecurity(cfg), tracing().clientInterceptors)
    .catch((error) => exitWithOneLine(describeStartupError(error, temporalAt)));
  const { worker, close } = await createWorker({
    address: cfg.TEMPORAL_ADDRESS,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TASK_QUEUE,
    security: temporalSecurity(cfg),
    tuning: { maxConcurrentActivityTaskExecutions: cfg.WORKER_MAX_ACTIVITIES, maxConcurrentWorkflowTaskExecutions: cfg.WORKER_MAX_WORKFLOW_TASKS },
    deps: { db, logger, config: cfg, temporal },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH ?? prebuiltWorkflowBundle(__dirname, tracing().enabled),
    plugins: tracing().workerPlugins,
  }).catch((error) => exitWithOneLine(describeStartupError(error, temporalAt)));
  const sealed = await sealPlaintextCredentials(db, cfg.DATA_ENCRYPTION_KEY);
  if (sealed > 0) logger.info({ dealers: sealed }, 'sealed Spruce API keys stored in clear');
  const stopDuties = startWorkerDuties(db, temporal, cfg);
  onShutdown(async () => {
    stopDuties();
    stopMetrics();
    worker.shutdown();
  });
  logger.info({ taskQueue: cfg.TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE, address: cfg.TEMPORAL_ADDRESS }, 'worker ready');
  await worker.run();
  await close();
  await temporal.connection.close();
  await db.destroy();
  await tracing().shutdown();
}

main().catch((error) => exitWithOneLine(describeStartupError(error, 'worker')));

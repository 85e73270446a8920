import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createDb, type Db } from './db/connection';
import { config, exitWithOneLine, type Config } from './runtime/config';
import { logger } from './runtime/logger';
import { describeStartupError, onShutdown } from './runtime/shutdown';
import { createWorker } from './runtime/worker';
import { connectTemporalClient } from './runtime/temporal-client';
import { ensureAgingRefreshForAllDealers } from './services/aging-refresh-start';

/** The Temporal worker: runs every workflow and activity on the configured task queue. */
async function main(): Promise<void> {
  const cfg = config();
  Runtime.install({ logger: new DefaultLogger(cfg.LOG_LEVEL === 'debug' ? 'INFO' : 'WARN') });
  const db = createDb(cfg.DATABASE_URL, { max: 20 });
  await db.raw('select 1').catch((error) => exitWithOneLine(describeStartupError(error, 'PostgreSQL at DATABASE_URL')));
  const { worker, close } = await createWorker({
    address: cfg.TEMPORAL_ADDRESS,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TASK_QUEUE,
    deps: { db, logger, config: cfg },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
  }).catch((error) => exitWithOneLine(describeStartupError(error, `Temporal at TEMPORAL_ADDRESS=${cfg.TEMPORAL_ADDRESS}`)));
  onShutdown(async () => {
    worker.shutdown();
  });
  logger.info({ taskQueue: cfg.TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE, address: cfg.TEMPORAL_ADDRESS }, 'worker ready');
  void ensureNightlyAgingRefresh(db, cfg);
  await worker.run();
  await close();
  await db.destroy();
}

/** Every dealer's `aging-refresh-<dealerId>` workflow; starting is idempotent, so each worker start may do it. */
async function ensureNightlyAgingRefresh(db: Db, cfg: Config): Promise<void> {
  try {
    const temporal = await connectTemporalClient(cfg.TEMPORAL_ADDRESS, cfg.TEMPORAL_NAMESPACE);
    try {
      const dealers = await ensureAgingRefreshForAllDealers(db, temporal, cfg.TASK_QUEUE);
      logger.info({ dealers }, 'aging-refresh workflows ensured');
    } finally {
      await temporal.connection.close();
    }
  } catch (error) {
    logger.warn({ err: error }, 'could not ensure aging-refresh workflows; they will be ensured at the next start');
  }
}

main().catch((error) => exitWithOneLine(describeStartupError(error, 'worker')));

import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { ensureAgingRefreshForAllDealers } from '../services/aging-refresh-start';
import { startOrphanedPayments } from '../services/payment-start';
import type { Config } from './config';
import { logger } from './logger';

/**
 * What a worker process does besides serving its task queue: make sure each dealer's
 * long-running workflows exist (idempotent starts, so every worker may do it), and start the
 * workflow of any payment whose API process died between committing it and starting it.
 */
export function startWorkerDuties(db: Db, temporal: Client, cfg: Config, sweepEveryMs = 15_000): () => void {
  // Dealers onboarded while this worker runs get theirs at the next sweep, not the next restart.
  const ensured = new Set<string>();
  const sweep = async () => {
    await ensureNightlyAgingRefresh(db, temporal, cfg, ensured);
    try {
      const started = await startOrphanedPayments(db, temporal, cfg);
      if (started > 0) logger.warn({ started }, 'started workflows of payments that had none');
    } catch (error) {
      logger.warn({ err: error }, 'orphaned-payment sweep failed; retrying at the next interval');
    }
  };
  const timer = setInterval(() => void sweep(), sweepEveryMs);
  void sweep();
  return () => clearInterval(timer);
}

async function ensureNightlyAgingRefresh(db: Db, temporal: Client, cfg: Config, ensured: Set<string>): Promise<void> {
  try {
    const dealers = await ensureAgingRefreshForAllDealers(db, temporal, cfg.TASK_QUEUE, ensured);
    if (dealers > 0) logger.info({ dealers }, 'aging-refresh workflows ensured');
  } catch (error) {
    logger.warn({ err: error }, 'could not ensure aging-refresh workflows; retrying at the next interval');
  }
}

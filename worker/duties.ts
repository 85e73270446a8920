import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { sharedMailer } from '../integrations/mailer';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { relayDueEmails, type RelayOptions } from '../services/email-relay';
import { ensureAgingRefreshForAllDealers } from '../workflows/aging-refresh-client';
import { ensureHousekeepingSchedule } from '../workflows/housekeeping-client';
import { startOrphanedPayments } from '../workflows/payment-client';
import { ensureRemindersForAllDealers } from '../workflows/reminders-client';
import { startOwedWebhookDeliveries } from '../workflows/webhook-delivery-client';

/**
 * What a worker process does besides serving its task queue: make sure each dealer's
 * long-running workflows exist (aging refresh, payment reminders; idempotent starts, so every worker may do it), start the
 * workflow of any payment whose API process died between committing it and starting it,
 * relay queued email, and start the delivery of every webhook event owed.
 */
export function startWorkerDuties(db: Db, temporal: Client, cfg: Config, sweepEveryMs = 15_000): () => void {
  const stopRelay = startEmailRelay(db, cfg);
  const stopWebhooks = startWebhookDispatch(db, temporal, cfg);
  // Dealers onboarded while this worker runs get theirs at the next sweep, not the next restart.
  const ensured = new Set<string>();
  const remindersEnsured = new Set<string>();
  const sweep = async () => {
    await ensureNightlyAgingRefresh(db, temporal, cfg, ensured);
    await ensureDailyReminders(db, temporal, cfg, remindersEnsured);
    try {
      const started = await startOrphanedPayments(db, temporal, cfg);
      if (started > 0) logger.warn({ started }, 'started workflows of payments that had none');
    } catch (error) {
      logger.warn({ err: error }, 'orphaned-payment sweep failed; retrying at the next interval');
    }
  };
  const timer = setInterval(() => void sweep(), sweepEveryMs);
  void sweep();
  void ensureHousekeepingSchedule(temporal, cfg.TASK_QUEUE).catch((error: unknown) => logger.warn({ err: error }, 'could not ensure the housekeeping schedule; the next worker start tries again'));
  return () => {
    clearInterval(timer);
    stopRelay();
    stopWebhooks();
  };
}

/**
 * Starts the delivery workflows of webhook events every `everyMs`. The events' rows are the
 * outbox (written with the change they announce); a pass that fails, or a worker that dies,
 * leaves them to the next pass or another worker.
 */
export function startWebhookDispatch(db: Db, temporal: Client, cfg: Config, everyMs = 1_000, scope: { dealerId?: string } = {}): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      await startOwedWebhookDeliveries(db, temporal, cfg, scope);
    } catch (error) {
      logger.warn({ err: error }, 'webhook dispatch pass failed; retrying at the next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), everyMs);
  void pass();
  return () => clearInterval(timer);
}

/**
 * Delivers `email_outbox` rows every `everyMs`: everything the product writes waits there, and
 * what its writer could not send at once (SMTP down) goes out here. Safe on every worker: each
 * row is claimed by one relay (services/email-relay.ts). A pass runs until nothing is due.
 */
export function startEmailRelay(db: Db, cfg: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>, everyMs = 2_000, scope: Pick<RelayOptions, 'dealerId' | 'retryDelayMs'> = {}): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const { sent, failed } = await relayDueEmails(db, sharedMailer(cfg), scope);
        if (sent + failed === 0 || failed > 0) break;
      }
    } catch (error) {
      logger.warn({ err: error }, 'email relay pass failed; retrying at the next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), everyMs);
  void pass();
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

async function ensureDailyReminders(db: Db, temporal: Client, cfg: Config, ensured: Set<string>): Promise<void> {
  try {
    const dealers = await ensureRemindersForAllDealers(db, temporal, cfg.TASK_QUEUE, ensured);
    if (dealers > 0) logger.info({ dealers }, 'payment-reminder workflows ensured');
  } catch (error) {
    logger.warn({ err: error }, 'could not ensure payment-reminder workflows; retrying at the next interval');
  }
}

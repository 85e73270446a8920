import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import { sharedMailer } from '../integrations/mailer';
import type { Config } from '../runtime/config';
import { logger } from '../runtime/logger';
import { relayDueEmails, type RelayOptions } from '../services/email-relay';
import { ensureClusterSweepSchedule } from '../workflows/cluster-sweep-client';
import { ensureHousekeepingSchedule } from '../workflows/housekeeping-client';
import { ensureLienWaiverReleaseSchedule } from '../workflows/lien-waiver-release-client';
import { ensureTransferRecheckSchedule } from '../workflows/transfer-recheck-client';
import { startOwedWebhookDeliveries } from '../workflows/webhook-delivery-client';

/**
 * What a worker process does besides serving its task queue. Periodic duties of the cluster
 * (the sweeps for orphaned payments and dealers' long-running workflows, housekeeping, the
 * processor re-check of settled payments, the release of unconditional lien waivers) are Temporal schedules, which every worker ensures
 * and only the first creates, so they run once however many workers there are. The email
 * relay and the webhook dispatch run in every worker on purpose: they are consumers of
 * outboxes whose rows each pass claims, so more workers drain them faster, never twice.
 */
export function startWorkerDuties(db: Db, temporal: Client, cfg: Config): () => void {
  const stopRelay = startEmailRelay(db, cfg);
  const stopWebhooks = startWebhookDispatch(db, temporal, cfg);
  const ensure = (name: string, schedule: Promise<unknown>) => void schedule.catch((error: unknown) => logger.warn({ err: error, schedule: name }, 'could not ensure a schedule; the next worker start tries again'));
  ensure('cluster-sweep', ensureClusterSweepSchedule(temporal, cfg.TASK_QUEUE));
  ensure('housekeeping', ensureHousekeepingSchedule(temporal, cfg.TASK_QUEUE));
  ensure('transfer-recheck', ensureTransferRecheckSchedule(temporal, cfg.TASK_QUEUE, cfg.TRANSFER_RECHECK_EVERY_MS));
  ensure('lien-waiver-release', ensureLienWaiverReleaseSchedule(temporal, cfg.TASK_QUEUE));
  return () => {
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

import type { Knex } from 'knex';
import { claimDueEmails, markEmailAttemptFailed, markEmailSent } from '../db/email-outbox';
import type { Mailer } from '../integrations/mailer';
import { logger } from '../runtime/logger';

/**
 * The one path by which queued email leaves: claim due `email_outbox` rows, send each over
 * SMTP, mark it sent, or record the error and try again later with backoff. Every worker may
 * run it; a row is claimed by one relay at a time (FOR UPDATE SKIP LOCKED plus a lease).
 */
export const RELAY_LEASE_MS = 2 * 60_000;
/** After this many failed sends the row is marked failed and left for a person to look at. */
export const MAX_EMAIL_ATTEMPTS = 10;

/** 30 s, 1 min, 2 min, … capped at an hour: an SMTP outage is waited out, not hammered. */
export function emailRetryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

/** The Message-ID of an outbox row: the same on every attempt, so a receiver can drop a resend. */
export const outboxMessageId = (rowId: string) => `<outbox.${rowId}@drypowder.local>`;

/** `ids` or `dealerId` narrow what is claimed: a payment's own notice sent at once, or one dealer's mail. */
export async function relayDueEmails(db: Knex, mailer: Mailer, options: { limit?: number; ids?: string[]; dealerId?: string } = {}): Promise<{ sent: number; failed: number }> {
  const rows = await claimDueEmails(db, { limit: options.limit ?? 20, leaseMs: RELAY_LEASE_MS, ids: options.ids, dealerId: options.dealerId });
  let sent = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      const { messageId } = await mailer.send({ to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body ?? undefined, messageId: row.message_id ?? outboxMessageId(row.id) });
      await markEmailSent(db, row.id, messageId);
      sent += 1;
    } catch (error) {
      failed += 1;
      const attempts = row.attempts + 1;
      const retryInMs = attempts >= MAX_EMAIL_ATTEMPTS ? null : emailRetryDelayMs(attempts);
      await markEmailAttemptFailed(db, row.id, error instanceof Error ? error.message : String(error), retryInMs);
      logger.warn({ err: error, emailId: row.id, kind: row.kind, attempts, retryInMs }, retryInMs === null ? 'email given up after repeated failures' : 'email send failed; will retry');
    }
  }
  return { sent, failed };
}

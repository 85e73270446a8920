import type { Knex } from 'knex';
import { claimDueEmails, markEmailAttemptFailed, markEmailSent } from '../db/email-outbox';
import { sharedMailer, smtpAnswerOf, type Mailer, type MailerSettings } from '../integrations/mailer';
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

export interface RelayOptions {
  limit?: number;
  /** Only these rows: an email its writer wants out at once rather than at the next pass. */
  ids?: string[];
  /** Only this dealer's mail. */
  dealerId?: string;
  /** The wait before the next attempt; tests compress it, production uses emailRetryDelayMs. */
  retryDelayMs?: (attempts: number) => number;
}

/** Sends due rows once each; an SMTP outage leaves them queued for a later pass, never lost. */
export async function relayDueEmails(db: Knex, mailer: Mailer, options: RelayOptions = {}): Promise<{ sent: number; failed: number }> {
  const retryDelay = options.retryDelayMs ?? emailRetryDelayMs;
  const rows = await claimDueEmails(db, { limit: options.limit ?? 20, leaseMs: RELAY_LEASE_MS, ids: options.ids, dealerId: options.dealerId });
  let sent = 0;
  let failed = 0;
  for (const row of rows) {
    try {
      const { messageId, response } = await mailer.send({
        to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body ?? undefined, messageId: row.message_id ?? outboxMessageId(row.id),
        attachments: row.attachments.length > 0 ? row.attachments : undefined,
      });
      await markEmailSent(db, row.id, messageId, response);
      sent += 1;
    } catch (error) {
      failed += 1;
      const attempts = row.attempts + 1;
      const answer = smtpAnswerOf(error);
      // A 5xx answer is the server refusing this message for good (no such mailbox, policy):
      // sending it again changes nothing. A 4xx or no answer at all (server down) is waited out.
      const permanent = answer.code !== null && answer.code >= 500;
      const retryInMs = permanent || attempts >= MAX_EMAIL_ATTEMPTS ? null : retryDelay(attempts);
      await markEmailAttemptFailed(db, row.id, error instanceof Error ? error.message : String(error), answer.response, retryInMs);
      logger.warn({ err: error, emailId: row.id, kind: row.kind, attempts, retryInMs, smtp: answer.response }, retryInMs === null ? 'email given up' : 'email send failed; will retry');
    }
  }
  return { sent, failed };
}

/**
 * Asks the relay to deliver rows just queued now rather than at its next pass. Never throws:
 * a row it cannot send stays queued (with its backoff) and the periodic relay delivers it.
 */
export async function deliverNow(db: Knex, settings: MailerSettings, ids: string[]): Promise<void> {
  try {
    await relayDueEmails(db, sharedMailer(settings), { ids });
  } catch (error) {
    logger.warn({ err: error, emailIds: ids }, 'queued email not delivered at once; the relay will deliver it');
  }
}

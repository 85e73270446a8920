import type { Knex } from 'knex';

/**
 * `email_outbox`: every email the product sends on its own (operator invitations, payment
 * alerts, customer payment notices) is a row here first, written in the transaction of the
 * change it reports, and delivered by the relay (services/email-relay.ts). `dedupe_key` makes
 * queuing idempotent: a retried activity or request queues nothing new.
 */
export interface QueuedEmail {
  dealerId: string | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  dedupeKey: string;
}

export interface OutboxRow {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  attempts: number;
  message_id: string | null;
}

/** Queues an email unless one with the same dedupe key exists; the row's id either way. */
export async function queueEmail(db: Knex | Knex.Transaction, email: QueuedEmail): Promise<string> {
  const inserted = await db('email_outbox')
    .insert({ dealer_id: email.dealerId, kind: email.kind, to_address: email.to, subject: email.subject, text_body: email.text, html_body: email.html ?? null, dedupe_key: email.dedupeKey })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  if (inserted[0]) return inserted[0].id as string;
  return (await db('email_outbox').where({ dedupe_key: email.dedupeKey }).first('id')).id as string;
}

/**
 * Claims up to `limit` due rows (optionally only `ids`) for one relay: rows another relay is
 * claiming are skipped, and a claimed row is moved `leaseMs` ahead, so no other relay takes it
 * while this one sends, and it comes back by itself if this one dies.
 */
export async function claimDueEmails(db: Knex, options: { limit: number; leaseMs: number; ids?: string[]; dealerId?: string }): Promise<OutboxRow[]> {
  return db.transaction(async (trx): Promise<OutboxRow[]> => {
    const due = trx('email_outbox').where({ status: 'queued' }).where('next_attempt_at', '<=', trx.fn.now()).orderBy('next_attempt_at').limit(options.limit).forUpdate().skipLocked().select('id');
    if (options.ids) due.whereIn('id', options.ids);
    if (options.dealerId) due.where({ dealer_id: options.dealerId });
    const ids = (await due).map((row: { id: string }) => row.id);
    if (ids.length === 0) return [];
    return (await trx('email_outbox')
      .whereIn('id', ids)
      .update({ next_attempt_at: trx.raw(`now() + make_interval(secs => ?)`, [options.leaseMs / 1000]) })
      .returning(['id', 'kind', 'to_address', 'subject', 'text_body', 'html_body', 'attempts', 'message_id'])) as OutboxRow[];
  });
}

export async function markEmailSent(db: Knex, id: string, messageId: string): Promise<void> {
  await db('email_outbox').where({ id, status: 'queued' }).update({ status: 'sent', sent_at: db.fn.now(), message_id: messageId, attempts: db.raw('attempts + 1'), last_error: null });
}

/** Records a failed send: tried again after `retryInMs`, or given up on (`failed`) when null. */
export async function markEmailAttemptFailed(db: Knex, id: string, error: string, retryInMs: number | null): Promise<void> {
  await db('email_outbox').where({ id, status: 'queued' }).update({
    attempts: db.raw('attempts + 1'),
    last_error: error.slice(0, 2000),
    ...(retryInMs === null ? { status: 'failed' } : { next_attempt_at: db.raw(`now() + make_interval(secs => ?)`, [retryInMs / 1000]) }),
  });
}

import type { Knex } from 'knex';

/**
 * `email_outbox`: every email the product sends (customer and operator invitations, password
 * resets, receipts, payment alerts, customer payment notices) is a row here first, written in
 * the transaction of the change it reports where there is one, and delivered only by the relay
 * (services/email-relay.ts). `dedupe_key` makes queuing idempotent: a retried activity or
 * request queues nothing new.
 */
export interface QueuedEmail {
  dealerId: string | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  dedupeKey: string;
  /** The customer the email is to or about: it is listed on that customer's page in the console. */
  customerAccountId?: string | null;
  paymentId?: string | null;
  attachments?: OutboxAttachment[];
}

export interface OutboxAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

interface StoredAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
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
  attachments: OutboxAttachment[];
}

/** Queues an email unless one with the same dedupe key exists; the row's id either way. */
export async function queueEmail(db: Knex | Knex.Transaction, email: QueuedEmail): Promise<string> {
  const attachments: StoredAttachment[] | null = email.attachments?.length
    ? email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, contentBase64: a.content.toString('base64') }))
    : null;
  const inserted = await db('email_outbox')
    .insert({
      dealer_id: email.dealerId, kind: email.kind, to_address: email.to, subject: email.subject, text_body: email.text, html_body: email.html ?? null, dedupe_key: email.dedupeKey,
      customer_account_id: email.customerAccountId ?? null, payment_id: email.paymentId ?? null, attachments: attachments ? JSON.stringify(attachments) : null,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  if (inserted[0]) return inserted[0].id as string;
  return (await db('email_outbox').where({ dedupe_key: email.dedupeKey }).first('id')).id as string;
}

/** Whether an email was already queued under this key (a retried step finds its own row). */
export async function queuedEmailId(db: Knex | Knex.Transaction, dedupeKey: string): Promise<string | null> {
  return ((await db('email_outbox').where({ dedupe_key: dedupeKey }).first('id'))?.id as string | undefined) ?? null;
}

/**
 * Claims up to `limit` due rows (optionally only `ids`) for one relay: rows another relay is
 * claiming are skipped, and a claimed row is moved `leaseMs` ahead, so no other relay takes it
 * while this one sends, and it comes back by itself if this one dies. One statement (the due
 * rows locked and moved by the same update): every payment's emails are claimed here, and a
 * transaction around a select and an update cost three round trips more.
 */
export async function claimDueEmails(db: Knex, options: { limit: number; leaseMs: number; ids?: string[]; dealerId?: string }): Promise<OutboxRow[]> {
  const due = db('email_outbox').where({ status: 'queued' }).where('next_attempt_at', '<=', db.fn.now()).orderBy('next_attempt_at').limit(options.limit).forUpdate().skipLocked()
    .select('id', 'next_attempt_at as due_at');
  if (options.ids) due.whereIn('id', options.ids);
  if (options.dealerId) due.where({ dealer_id: options.dealerId });
  const { rows } = await db.raw(
    `with due as (?)
     update email_outbox e set next_attempt_at = now() + make_interval(secs => ?) from due where e.id = due.id
     returning e.id, e.kind, e.to_address, e.subject, e.text_body, e.html_body, e.attempts, e.message_id, e.attachments, due.due_at`,
    [due, options.leaseMs / 1000],
  );
  // Sent in the order they fell due, as the select asked.
  const claimed = (rows as Array<Omit<OutboxRow, 'attachments'> & { attachments: StoredAttachment[] | null; due_at: Date }>)
    .sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime());
  return claimed.map(({ due_at: _dueAt, ...row }) => ({
    ...row,
    attachments: (row.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
  }));
}

export async function markEmailSent(db: Knex, id: string, messageId: string, smtpResponse: string | null): Promise<void> {
  await db('email_outbox').where({ id, status: 'queued' }).update({
    status: 'sent', sent_at: db.fn.now(), message_id: messageId, attempts: db.raw('attempts + 1'), last_error: null, smtp_response: smtpResponse?.slice(0, 2000) ?? null,
  });
}

/** Records a failed send: tried again after `retryInMs`, or given up on (`failed`) when null. */
export async function markEmailAttemptFailed(db: Knex, id: string, error: string, smtpResponse: string | null, retryInMs: number | null): Promise<void> {
  await db('email_outbox').where({ id, status: 'queued' }).update({
    attempts: db.raw('attempts + 1'),
    last_error: error.slice(0, 2000),
    smtp_response: smtpResponse?.slice(0, 2000) ?? null,
    ...(retryInMs === null ? { status: 'failed' } : { next_attempt_at: db.raw(`now() + make_interval(secs => ?)`, [retryInMs / 1000]) }),
  });
}

export type EmailStatus = 'queued' | 'sent' | 'failed';

export interface CustomerEmailRow {
  id: string;
  kind: string;
  to_address: string;
  subject: string;
  status: EmailStatus;
  attempts: number;
  last_error: string | null;
  smtp_response: string | null;
  payment_id: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** The emails to or about one customer account of a dealer, newest first; null when the dealer has no such account. */
export async function customerEmails(db: Knex, dealerId: string, customerAccountId: string, page: { limit: number; offset: number }): Promise<{ rows: CustomerEmailRow[]; total: number } | null> {
  if (!(await db('customer_accounts').where({ id: customerAccountId, dealer_id: dealerId }).first('id'))) return null;
  const scope = () => db('email_outbox').where({ dealer_id: dealerId, customer_account_id: customerAccountId });
  const [rows, count] = await Promise.all([
    scope().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(page.limit).offset(page.offset)
      .select('id', 'kind', 'to_address', 'subject', 'status', 'attempts', 'last_error', 'smtp_response', 'payment_id', 'created_at', 'sent_at'),
    scope().count<{ n: string }[]>({ n: '*' }),
  ]);
  return { rows: rows as CustomerEmailRow[], total: Number(count[0]?.n ?? 0) };
}

import type { Knex } from 'knex';
import { OPEN_ADJUSTMENT_STATUSES, OPEN_INVOICE_STATUSES } from '../domain/aging';
import type { IsoDate } from '../domain/dates';
import { refuseConflict, refuseNotFound } from '../domain/refusal';
import { DEFAULT_REMINDER_BODY, DEFAULT_REMINDER_RULES, DEFAULT_REMINDER_SUBJECT, type ReminderRule } from '../domain/reminders';
import { recordAudit } from './audit';
import { queueEmail, type QueuedEmail } from './email-outbox';

/**
 * Payment reminders' store (docs/reminders.md): the dealer's cadence and templates
 * (`reminder_settings`, defaults until an admin saves them, off by default), each account's
 * opt-out, the open items a day's run reminds about, and the sent log (`reminder_sends`),
 * written with its outbox row in one transaction.
 */
type Executor = Knex | Knex.Transaction;

export interface ReminderSettingsRow {
  enabled: boolean;
  rules: ReminderRule[];
  subject_template: string;
  body_template: string;
  updated_at: Date | null;
}

const DEFAULTS: ReminderSettingsRow = {
  enabled: false, rules: DEFAULT_REMINDER_RULES, subject_template: DEFAULT_REMINDER_SUBJECT, body_template: DEFAULT_REMINDER_BODY, updated_at: null,
};

/** The dealer's reminder settings; the defaults (off) when an admin never saved any. */
export async function reminderSettings(db: Executor, dealerId: string): Promise<ReminderSettingsRow> {
  const row = await db('reminder_settings').where({ dealer_id: dealerId }).first('enabled', 'rules', 'subject_template', 'body_template', 'updated_at');
  return row ? (row as ReminderSettingsRow) : { ...DEFAULTS };
}

export type ReminderSettingsChange = Partial<Pick<ReminderSettingsRow, 'enabled' | 'rules' | 'subject_template' | 'body_template'>>;

/** Saves what changed and audits it with its before and after values. */
export async function saveReminderSettings(db: Knex, actor: { dealerId: string; operatorId: string }, change: ReminderSettingsChange): Promise<ReminderSettingsRow> {
  return db.transaction(async (trx) => {
    if (!(await trx('dealers').where({ id: actor.dealerId }).forUpdate().first('id'))) throw refuseNotFound('Dealer');
    const before = await reminderSettings(trx, actor.dealerId);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, value] of Object.entries(change)) {
      const from = before[key as keyof ReminderSettingsRow];
      if (value !== undefined && JSON.stringify(from) !== JSON.stringify(value)) changes[key] = { from, to: value };
    }
    if (Object.keys(changes).length === 0) return before;
    const after = { ...before, ...Object.fromEntries(Object.entries(changes).map(([key, { to }]) => [key, to])) } as ReminderSettingsRow;
    await trx('reminder_settings')
      .insert({
        dealer_id: actor.dealerId, enabled: after.enabled, rules: JSON.stringify(after.rules), subject_template: after.subject_template, body_template: after.body_template,
        updated_by: actor.operatorId, updated_at: trx.fn.now(),
      })
      .onConflict('dealer_id')
      .merge();
    await recordAudit(trx, {
      dealerId: actor.dealerId, actorKind: 'operator', actorId: actor.operatorId, action: 'dealer.reminder_settings_updated', entityType: 'dealer', entityId: actor.dealerId, data: { changes },
    });
    return reminderSettings(trx, actor.dealerId);
  });
}

export interface ReminderAccountRow {
  id: string;
  name: string;
  erp_account_id: string;
  reminders_opted_out: boolean;
}

/** One live account of the dealer, as reminders see it; undefined for another dealer's or a deleted one. */
export async function reminderAccount(db: Executor, dealerId: string, customerAccountId: string): Promise<ReminderAccountRow | undefined> {
  return db('customer_accounts').where({ id: customerAccountId, dealer_id: dealerId }).whereNull('deleted_at').first('id', 'name', 'erp_account_id', 'reminders_opted_out');
}

/** Turns an account's reminders off (`optedOut`) or back on; audited with the operator and reason. */
export async function setRemindersOptOut(db: Knex, dealerId: string, change: { customerAccountId: string; optedOut: boolean; operatorId: string; reason?: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const account = await trx('customer_accounts').where({ id: change.customerAccountId, dealer_id: dealerId }).whereNull('deleted_at').forUpdate().first('id', 'erp_account_id', 'reminders_opted_out');
    if (!account) throw refuseNotFound('Customer');
    if (account.reminders_opted_out === change.optedOut) {
      throw change.optedOut
        ? refuseConflict('already_opted_out', `Reminders for account ${account.erp_account_id} are already turned off.`)
        : refuseConflict('not_opted_out', `Reminders for account ${account.erp_account_id} are not turned off; there is nothing to turn back on.`);
    }
    await trx('customer_accounts').where({ id: account.id, dealer_id: dealerId }).update({ reminders_opted_out: change.optedOut, updated_at: trx.fn.now() });
    await recordAudit(trx, {
      dealerId, actorKind: 'operator', actorId: change.operatorId,
      action: change.optedOut ? 'customer.reminders_opted_out' : 'customer.reminders_opted_in',
      entityType: 'customer_account', entityId: account.id,
      data: { erp_account_id: account.erp_account_id, ...(change.reason ? { reason: change.reason } : {}) },
    });
  });
}

export interface ReminderDealerRow {
  id: string;
  name: string;
  time_zone: string;
  bills_by_statement: boolean;
}

export async function reminderDealer(db: Executor, dealerId: string): Promise<ReminderDealerRow | undefined> {
  return db('dealers').where({ id: dealerId }).first('id', 'name', 'time_zone', 'bills_by_statement');
}

export interface ReminderItemRow {
  customer_account_id: string;
  account_name: string;
  erp_account_id: string;
  item_type: 'invoice' | 'debit';
  item_id: string;
  number: string;
  due_date: IsoDate | null;
  statement_date: IsoDate | null;
  /** Balance not already in a payment under way. */
  open_cents: number;
}

/** An item the customer short-paid with a reason is a claim under review, not a debt to chase. */
const openShortPay = (db: Executor, column: 'invoice_id' | 'adjustment_id', item: string) => db('short_pays as sp')
  .where('sp.status', 'open').whereRaw(`sp.${column} = ${item}`).select(db.raw('1'));

/**
 * Open invoices and debit adjustments with something left to pay that no payment under way
 * covers, and no open short-pay claim pauses. `run`: those of accounts that did not opt out, due on one of `dueDates` or listed on
 * a statement dated `statementDate`; `customerAccountId`: every open item of that account
 * (the console's preview).
 */
export async function openReminderItems(
  db: Executor,
  dealerId: string,
  scope: { run: { dueDates: IsoDate[]; statementDate: IsoDate | null } } | { customerAccountId: string },
): Promise<ReminderItemRow[]> {
  const narrow = (query: Knex.QueryBuilder, table: 'i' | 'a') => {
    if ('customerAccountId' in scope) {
      query.where(`${table}.customer_account_id`, scope.customerAccountId);
      return;
    }
    query.where('ca.reminders_opted_out', false);
    query.where((or) => {
      or.whereIn(`${table}.due_date`, scope.run.dueDates);
      if (scope.run.statementDate) or.orWhere('st.statement_date', scope.run.statementDate);
    });
  };
  const invoices = db('invoices as i')
    .join('customer_accounts as ca', 'ca.id', 'i.customer_account_id')
    .leftJoin('statements as st', 'st.id', 'i.statement_id')
    .where('i.dealer_id', dealerId).whereNull('ca.deleted_at')
    .whereIn('i.status', OPEN_INVOICE_STATUSES as unknown as string[])
    .whereRaw('i.balance_cents > i.reserved_cents')
    .whereNotExists(openShortPay(db, 'invoice_id', 'i.id'))
    .select('i.customer_account_id', 'ca.name as account_name', 'ca.erp_account_id', db.raw(`'invoice' as item_type`), 'i.id as item_id', 'i.invoice_number as number',
      'i.due_date', 'st.statement_date', db.raw('i.balance_cents - i.reserved_cents as open_cents'));
  narrow(invoices, 'i');
  const debits = db('adjustments as a')
    .join('customer_accounts as ca', 'ca.id', 'a.customer_account_id')
    .leftJoin('statements as st', 'st.id', 'a.statement_id')
    .where('a.dealer_id', dealerId).where('a.kind', 'debit').whereNull('ca.deleted_at')
    .whereIn('a.status', OPEN_ADJUSTMENT_STATUSES as unknown as string[])
    .whereRaw('a.balance_cents > a.reserved_cents')
    .whereNotExists(openShortPay(db, 'adjustment_id', 'a.id'))
    .select('a.customer_account_id', 'ca.name as account_name', 'ca.erp_account_id', db.raw(`'debit' as item_type`), 'a.id as item_id', 'a.adjustment_number as number',
      'a.due_date', 'st.statement_date', db.raw('a.balance_cents - a.reserved_cents as open_cents'));
  narrow(debits, 'a');
  const rows = (await Promise.all([invoices, debits])).flat() as ReminderItemRow[];
  return rows
    .map((row) => ({ ...row, open_cents: Number(row.open_cents) }))
    .sort((a, b) => (a.due_date ?? '').localeCompare(b.due_date ?? '') || a.number.localeCompare(b.number));
}

export interface ReminderContactRow {
  customer_account_id: string;
  email: string;
  name: string;
}

/** The accounts' contacts with an email address (ERP contacts, not deleted). */
export async function reminderContacts(db: Executor, dealerId: string, accountIds: string[]): Promise<ReminderContactRow[]> {
  if (accountIds.length === 0) return [];
  return db('contacts').where({ dealer_id: dealerId }).whereIn('customer_account_id', accountIds).whereNull('deleted_at').whereNotNull('email').whereRaw(`email <> ''`)
    .orderBy([{ column: 'is_primary', order: 'desc' }, { column: 'name' }])
    .select('customer_account_id', 'email', 'name');
}

export interface ReminderSend {
  dealerId: string;
  customerAccountId: string;
  contactEmail: string;
  localDate: IsoDate;
  /** Rule ids that matched, e.g. `['before_due:7', 'on_due']`. */
  rules: string[];
  items: Array<{ itemType: 'invoice' | 'debit'; itemId: string; rule: string }>;
  email: Omit<QueuedEmail, 'dealerId' | 'customerAccountId' | 'dedupeKey'>;
}

/** The outbox key of a contact's reminder on a dealer-local date: one per contact per day. */
export const reminderDedupeKey = (dealerId: string, contactEmail: string, localDate: IsoDate) => `reminder:${dealerId}:${contactEmail.toLowerCase()}:${localDate}`;

/**
 * Queues the reminder and logs it in one transaction; a contact already reminded that day
 * (a retried activity, a second run) gets nothing new. The outbox row's id either way.
 */
export async function recordReminder(db: Knex, send: ReminderSend): Promise<{ emailId: string; created: boolean }> {
  return db.transaction(async (trx) => {
    const existing = await trx('reminder_sends').where({ dealer_id: send.dealerId, contact_email: send.contactEmail, local_date: send.localDate }).first('email_id');
    if (existing) return { emailId: existing.email_id as string, created: false };
    const emailId = await queueEmail(trx, { ...send.email, dealerId: send.dealerId, customerAccountId: send.customerAccountId, dedupeKey: reminderDedupeKey(send.dealerId, send.contactEmail, send.localDate) });
    const inserted = await trx('reminder_sends')
      .insert({
        dealer_id: send.dealerId, customer_account_id: send.customerAccountId, contact_email: send.contactEmail, local_date: send.localDate, email_id: emailId,
        rules: JSON.stringify(send.rules), items: JSON.stringify(send.items),
      })
      .onConflict(['dealer_id', 'contact_email', 'local_date'])
      .ignore()
      .returning('id');
    return { emailId, created: inserted.length > 0 };
  });
}

/** The rule ids of the reminders among these outbox rows, by email id (the console's Emails tab). */
export async function reminderRulesOfEmails(db: Executor, emailIds: string[]): Promise<Map<string, string[]>> {
  if (emailIds.length === 0) return new Map();
  const rows = await db('reminder_sends').whereIn('email_id', emailIds).select('email_id', 'rules');
  return new Map(rows.map((row: { email_id: string; rules: string[] }) => [row.email_id, row.rules]));
}

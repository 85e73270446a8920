import type { Knex } from 'knex';
import { addDays, localDate, zonedInstant, type IsoDate } from '../domain/dates';
import { formatCents, sum } from '../domain/money';
import { portalPayLink } from '../domain/portal-links';
import { refuseNotFound } from '../domain/refusal';
import {
  dueDatesOf, matchingRule, reminderItemsTable, reminderRuleId, renderReminderTemplate, REMINDER_RUN_TIME, type ReminderLine, type ReminderRule,
} from '../domain/reminders';
import {
  openReminderItems, recordReminder, reminderAccount, reminderContacts, reminderDealer, reminderSettings, type ReminderItemRow,
} from '../db/reminders';

/**
 * Payment reminders (docs/reminders.md): the day's run for one dealer, called by the
 * `reminders-<dealerId>` workflow's activity, and the console's preview. Both render the same
 * templates with the same items table and pay link.
 */
export const REMINDER_EMAIL_KIND = 'payment_reminder';

type UrlConfig = { PUBLIC_URL: string };

/** The next dealer-local 08:00 after `now` and the date it falls on. */
export function nextReminderRun(now: Date, timeZone: string): { runAt: Date; localDate: IsoDate } {
  const today = localDate(now, timeZone);
  const todayRun = zonedInstant(today, REMINDER_RUN_TIME, timeZone);
  if (todayRun.getTime() > now.getTime()) return { runAt: todayRun, localDate: today };
  const tomorrow = addDays(today, 1);
  return { runAt: zonedInstant(tomorrow, REMINDER_RUN_TIME, timeZone), localDate: tomorrow };
}

interface Rendered {
  subject: string;
  text: string;
  payLink: string;
  totalCents: number;
}

function render(templates: { subject: string; body: string }, facts: { dealerId: string; dealerName: string; customerName: string; accountNumber: string; lines: ReminderLine[]; itemIds: string[] }, cfg: UrlConfig): Rendered {
  const totalCents = sum(facts.lines.map((line) => line.openCents));
  const payLink = portalPayLink(cfg.PUBLIC_URL, facts.dealerId, facts.itemIds);
  const values = {
    customer_name: facts.customerName, account_number: facts.accountNumber, dealer_name: facts.dealerName,
    items_table: reminderItemsTable(facts.lines, formatCents), total_due: formatCents(totalCents), pay_link: payLink,
  };
  return { subject: renderReminderTemplate(templates.subject, values).replace(/[\r\n]+/g, ' ').trim(), text: renderReminderTemplate(templates.body, values), payLink, totalCents };
}

const lineOf = (item: ReminderItemRow, rule: ReminderRule | null, accountLabel?: string): ReminderLine => ({
  itemType: item.item_type, number: item.number, dueDate: item.due_date, openCents: item.open_cents, rule, ...(accountLabel ? { accountLabel } : {}),
});

const candidateOf = (item: ReminderItemRow) => ({
  itemType: item.item_type, itemId: item.item_id, number: item.number, dueDate: item.due_date, statementDate: item.statement_date, openCents: item.open_cents,
});

export interface DealerReminderRun {
  status: 'sent' | 'disabled' | 'dealer_gone';
  localDate: IsoDate;
  /** Outbox rows of reminders queued by this run (none for a contact already reminded that day). */
  emailIds: string[];
  contacts: number;
  items: number;
}

/**
 * Queues the day's reminders of one dealer: the open items each rule names on `today` (the
 * dealer-local date), grouped per contact email so that a contact gets one email however many
 * rules and accounts name items, under a dedupe key of contact and date. Accounts that opted
 * out and items paid or under way in a payment are left out. Idempotent per contact and day.
 */
export async function queueDealerReminders(db: Knex, cfg: UrlConfig, dealerId: string, today: IsoDate): Promise<DealerReminderRun> {
  const dealer = await reminderDealer(db, dealerId);
  if (!dealer) return { status: 'dealer_gone', localDate: today, emailIds: [], contacts: 0, items: 0 };
  const settings = await reminderSettings(db, dealerId);
  if (!settings.enabled || settings.rules.length === 0) return { status: 'disabled', localDate: today, emailIds: [], contacts: 0, items: 0 };

  const statementReady = settings.rules.some((rule) => rule.kind === 'statement_ready');
  const candidates = await openReminderItems(db, dealerId, { run: { dueDates: dueDatesOf(settings.rules, today), statementDate: statementReady ? today : null } });
  const due = candidates.flatMap((item) => {
    const rule = matchingRule(settings.rules, candidateOf(item), today);
    return rule ? [{ item, rule }] : [];
  });
  if (due.length === 0) return { status: 'sent', localDate: today, emailIds: [], contacts: 0, items: 0 };

  const accountIds = [...new Set(due.map(({ item }) => item.customer_account_id))];
  const contacts = await reminderContacts(db, dealerId, accountIds);
  // One email per contact address: a person listed on two accounts gets both accounts' items in one.
  const byContact = new Map<string, { email: string; accounts: string[] }>();
  for (const contact of contacts) {
    const key = contact.email.toLowerCase();
    const entry = byContact.get(key) ?? { email: contact.email, accounts: [] };
    if (!entry.accounts.includes(contact.customer_account_id)) entry.accounts.push(contact.customer_account_id);
    byContact.set(key, entry);
  }

  const emailIds: string[] = [];
  for (const { email, accounts } of byContact.values()) {
    const mine = due.filter(({ item }) => accounts.includes(item.customer_account_id));
    if (mine.length === 0) continue;
    const first = mine[0]!.item;
    const several = new Set(mine.map(({ item }) => item.customer_account_id)).size > 1;
    const rendered = render({ subject: settings.subject_template, body: settings.body_template }, {
      dealerId, dealerName: dealer.name, customerName: first.account_name, accountNumber: first.erp_account_id,
      lines: mine.map(({ item, rule }) => lineOf(item, rule, several ? item.erp_account_id : undefined)), itemIds: mine.map(({ item }) => item.item_id),
    }, cfg);
    const rules = [...new Set(mine.map(({ rule }) => reminderRuleId(rule)))];
    const { emailId, created } = await recordReminder(db, {
      dealerId, customerAccountId: first.customer_account_id, contactEmail: email, localDate: today, rules,
      items: mine.map(({ item, rule }) => ({ itemType: item.item_type, itemId: item.item_id, rule: reminderRuleId(rule) })),
      email: { kind: REMINDER_EMAIL_KIND, to: email, subject: rendered.subject, text: rendered.text },
    });
    if (created) emailIds.push(emailId);
  }
  return { status: 'sent', localDate: today, emailIds, contacts: byContact.size, items: due.length };
}

/**
 * The reminder one customer would get, rendered with the saved templates or the ones being
 * edited: the items today's cadence names, or every open item when none is named today.
 */
export async function previewReminder(
  db: Knex,
  cfg: UrlConfig,
  dealerId: string,
  customerAccountId: string,
  request: { subjectTemplate?: string; bodyTemplate?: string; asOf?: IsoDate },
) {
  const account = await reminderAccount(db, dealerId, customerAccountId);
  const dealer = await reminderDealer(db, dealerId);
  if (!account || !dealer) throw refuseNotFound('Customer');
  const settings = await reminderSettings(db, dealerId);
  const today = request.asOf ?? localDate(new Date(), dealer.time_zone);
  const items = await openReminderItems(db, dealerId, { customerAccountId });
  const named = items.map((item) => ({ item, rule: matchingRule(settings.rules, candidateOf(item), today) }));
  const matched = named.some(({ rule }) => rule !== null);
  const chosen = matched ? named.filter(({ rule }) => rule !== null) : named;
  const rendered = render({ subject: request.subjectTemplate ?? settings.subject_template, body: request.bodyTemplate ?? settings.body_template }, {
    dealerId, dealerName: dealer.name, customerName: account.name, accountNumber: account.erp_account_id,
    lines: chosen.map(({ item, rule }) => lineOf(item, rule)), itemIds: chosen.map(({ item }) => item.item_id),
  }, cfg);
  const contacts = await reminderContacts(db, dealerId, [customerAccountId]);
  return {
    customer_id: account.id,
    as_of: today,
    matched_cadence: matched,
    to: [...new Set(contacts.map((contact) => contact.email))],
    subject: rendered.subject,
    text: rendered.text,
    pay_link: rendered.payLink,
    items: chosen.map(({ item, rule }) => ({ item_type: item.item_type, item_id: item.item_id, number: item.number, due_date: item.due_date, open_cents: item.open_cents, rule: rule ? reminderRuleId(rule) : null })),
    total_cents: rendered.totalCents,
  };
}

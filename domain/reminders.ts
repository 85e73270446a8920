import { addDays, daysBetween, type IsoDate } from './dates';

/**
 * Payment reminders (docs/reminders.md): a dealer's cadence is a list of rules, each naming
 * the items it reminds about on a dealer-local date. Pure: the daily run (activities/reminders.ts)
 * and the console's preview both decide and render with these functions.
 */
export const REMINDER_RULE_KINDS = ['before_due', 'on_due', 'past_due', 'statement_ready'] as const;
export type ReminderRuleKind = (typeof REMINDER_RULE_KINDS)[number];

/** `days`: before (`before_due`) or after (`past_due`) the due date. */
export type ReminderRule =
  | { kind: 'before_due'; days: number }
  | { kind: 'on_due' }
  | { kind: 'past_due'; days: number }
  | { kind: 'statement_ready' };

export const MAX_REMINDER_DAYS = 365;
export const MAX_REMINDER_RULES = 12;

/** The rule's stable name, as the sent log shows it: `before_due:7`, `on_due`, `past_due:30`, `statement_ready`. */
export function reminderRuleId(rule: ReminderRule): string {
  return rule.kind === 'before_due' || rule.kind === 'past_due' ? `${rule.kind}:${rule.days}` : rule.kind;
}

/** The rule in words: "7 days before due", "on the due date", "30 days past due", "statement ready". */
export function reminderRuleLabel(rule: ReminderRule): string {
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  switch (rule.kind) {
    case 'before_due': return `${days(rule.days)} before due`;
    case 'on_due': return 'on the due date';
    case 'past_due': return `${days(rule.days)} past due`;
    case 'statement_ready': return 'statement ready';
  }
}

/** The cadence a dealer starts with (reminders themselves start off). */
export const DEFAULT_REMINDER_RULES: ReminderRule[] = [
  { kind: 'before_due', days: 7 },
  { kind: 'on_due' },
  { kind: 'past_due', days: 7 },
  { kind: 'past_due', days: 30 },
  { kind: 'statement_ready' },
];

export const DEFAULT_REMINDER_SUBJECT = '{{dealer_name}}: {{total_due}} due on your account';
export const DEFAULT_REMINDER_BODY = [
  'Hello {{customer_name}},',
  '',
  'This is a reminder from {{dealer_name}} about these items on your account:',
  '',
  '{{items_table}}',
  '',
  'Total: {{total_due}}',
  '',
  'Pay online: {{pay_link}}',
  '',
  'If you have already paid, thank you, and please disregard this message.',
].join('\n');

export const REMINDER_PLACEHOLDERS = ['customer_name', 'account_number', 'dealer_name', 'items_table', 'total_due', 'pay_link'] as const;
export type ReminderPlaceholder = (typeof REMINDER_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** Placeholders in a template that are not ones we fill in (a typo would go out verbatim). */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(REMINDER_PLACEHOLDERS);
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !known.has(name)))];
}

export function renderReminderTemplate(template: string, values: Record<ReminderPlaceholder, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as ReminderPlaceholder] : whole));
}

/**
 * One open item the cadence may remind about: an invoice or a debit adjustment (what the
 * portal's Pay page selects). A statement is reminded about through the items it lists.
 */
export interface ReminderCandidate {
  itemType: 'invoice' | 'debit';
  itemId: string;
  number: string;
  dueDate: IsoDate | null;
  /** The date of the statement listing the item, if one does (`statement_ready`). */
  statementDate: IsoDate | null;
  /** What is still owed and not in a payment already under way. */
  openCents: number;
}

/** The first rule of the cadence that names the item today, or null. */
export function matchingRule(rules: readonly ReminderRule[], item: ReminderCandidate, today: IsoDate): ReminderRule | null {
  if (item.openCents <= 0) return null;
  for (const rule of rules) {
    if (rule.kind === 'statement_ready') {
      if (item.statementDate === today) return rule;
      continue;
    }
    if (!item.dueDate) continue;
    const untilDue = daysBetween(today, item.dueDate);
    if (rule.kind === 'on_due' && untilDue === 0) return rule;
    if (rule.kind === 'before_due' && untilDue === rule.days) return rule;
    if (rule.kind === 'past_due' && -untilDue === rule.days) return rule;
  }
  return null;
}

/** The due dates a rule set can match today, for narrowing the query (statement dates aside). */
export function dueDatesOf(rules: readonly ReminderRule[], today: IsoDate): IsoDate[] {
  return [...new Set(rules.flatMap((rule) => {
    if (rule.kind === 'on_due') return [today];
    if (rule.kind === 'before_due') return [addDays(today, rule.days)];
    if (rule.kind === 'past_due') return [addDays(today, -rule.days)];
    return [];
  }))];
}

/** The dealer-local instant of the daily run (08:00), the next one after `now`. */
export const REMINDER_RUN_TIME = '08:00';

/** An item as the reminder email lists it. */
export interface ReminderLine {
  itemType: 'invoice' | 'debit';
  number: string;
  dueDate: IsoDate | null;
  openCents: number;
  /** The rule that named it today; null in a preview of items no rule names. */
  rule: ReminderRule | null;
  /** Named when the contact's items span several accounts. */
  accountLabel?: string;
}

/** The `{{items_table}}` text: one line per item with its due date, amount and why it is listed. */
export function reminderItemsTable(lines: readonly ReminderLine[], formatCents: (cents: number) => string): string {
  const rows = lines.map((line) => {
    const label = `${line.itemType === 'invoice' ? 'Invoice' : 'Charge'} ${line.number}`;
    const due = line.dueDate ? `due ${line.dueDate}` : '';
    const why = line.rule ? `(${reminderRuleLabel(line.rule)})` : '';
    return [line.accountLabel ? `${line.accountLabel}: ${label}` : label, due, formatCents(line.openCents), why];
  });
  const widths = [0, 1, 2].map((column) => Math.max(0, ...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, column) => (column < 3 && column !== 2 ? cell.padEnd(widths[column]!) : column === 2 ? cell.padStart(widths[2]!) : cell)).join('   ')}`.trimEnd()).join('\n');
}

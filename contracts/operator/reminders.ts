import { z } from 'zod';
import {
  MAX_REMINDER_DAYS, MAX_REMINDER_RULES, REMINDER_PLACEHOLDERS, reminderRuleId, unknownPlaceholders,
} from '../../domain/reminders';
import { calendarDate, cents, email, id, timestamp } from '../fields';

/**
 * Payment reminders in the console (docs/reminders.md): the dealer's cadence and templates as
 * one react-admin record (`settings/reminders`; every operator reads it, admins change it), a
 * preview of the email for one of the dealer's customers, and each customer's opt-out.
 */

const days = z.number({ error: 'must be a whole number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(MAX_REMINDER_DAYS, `must be at most ${MAX_REMINDER_DAYS} days`);

export const reminderRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('before_due'), days }),
  z.strictObject({ kind: z.literal('on_due') }),
  z.strictObject({ kind: z.literal('past_due'), days }),
  z.strictObject({ kind: z.literal('statement_ready') }),
], { error: 'must be a rule: { kind: "before_due" | "past_due", days } or { kind: "on_due" | "statement_ready" }' });

const rules = z.array(reminderRule).max(MAX_REMINDER_RULES, `must have at most ${MAX_REMINDER_RULES} rules`)
  .refine((list) => new Set(list.map((rule) => reminderRuleId(rule))).size === list.length, 'must not repeat a rule');

const placeholderHint = REMINDER_PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ');
const template = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`)
  .refine((text) => unknownPlaceholders(text).length === 0, { error: (issue) => `has a placeholder we do not fill in (${unknownPlaceholders(String(issue.input)).map((name) => `{{${name}}}`).join(', ')}); use ${placeholderHint}` });

export const subjectTemplate = template(300).refine((text) => !/[\r\n]/.test(text), 'must be one line');
export const bodyTemplate = template(10_000);

export const reminderSettingsBody = z.object({
  enabled: z.boolean().optional(),
  rules: rules.optional(),
  subject_template: subjectTemplate.optional(),
  body_template: bodyTemplate.optional(),
});
export type ReminderSettingsChange = z.infer<typeof reminderSettingsBody>;

export const reminderSettings = z.strictObject({
  id: z.literal('reminders'),
  /** Off until an admin turns reminders on. */
  enabled: z.boolean(),
  rules: z.array(reminderRule),
  subject_template: z.string(),
  body_template: z.string(),
  /** The placeholders the templates may use. */
  placeholders: z.array(z.string()),
  /** When an admin last saved them; null while the defaults apply. */
  updated_at: timestamp.nullable(),
});
export type ReminderSettings = z.infer<typeof reminderSettings>;

/** Preview the reminder for one customer, with the saved templates or the ones being edited. */
export const reminderPreviewBody = z.object({
  subject_template: subjectTemplate.optional(),
  body_template: bodyTemplate.optional(),
  /** Preview as of this dealer-local date (default: today). */
  as_of: calendarDate.optional(),
});

export const reminderPreview = z.strictObject({
  customer_id: id,
  as_of: calendarDate,
  /** Whether today's cadence would remind about any of the items; if not, the preview uses every open item. */
  matched_cadence: z.boolean(),
  /** Who it would go to: the account's contacts with an email address. */
  to: z.array(email),
  subject: z.string(),
  text: z.string(),
  pay_link: z.string(),
  items: z.array(z.strictObject({
    item_type: z.enum(['invoice', 'debit']),
    item_id: id,
    number: z.string(),
    due_date: calendarDate.nullable(),
    open_cents: cents,
    /** The rule that names it today, or null. */
    rule: z.string().nullable(),
  })),
  total_cents: cents,
});
export type ReminderPreview = z.infer<typeof reminderPreview>;

export const remindersOptOutBody = z.object({ reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(500) });
export const remindersOptInBody = z.object({ reason: z.string().trim().max(500).optional() });

export const customerReminders = z.strictObject({
  id,
  opted_out: z.boolean(),
});
export type CustomerReminders = z.infer<typeof customerReminders>;

import { z } from 'zod';
import { AUTOPAY_RULES, AUTOPAY_STATUSES, MAX_NOTICE_DAYS } from '../../domain/autopay';
import { cents, day, id, timestamp } from '../fields';

/**
 * Autopay (docs/autopay.md): enrol a dealer account with a saved method and a rule, see and
 * cancel enrolments, turn one back on after it stopped to ask, download its authorization.
 */
export const autopayRule = z.enum(AUTOPAY_RULES);

export const enrolmentRequest = z.object({
  dealerId: z.string().uuid(),
  customerAccountId: z.string().uuid(),
  paymentMethodId: z.string().uuid(),
  rule: autopayRule,
  /** invoice_before_due only: how many days before each invoice's due date to pay it. */
  daysBeforeDue: z.number().int().min(0).max(30).optional(),
  maxAmountCents: z.number().int().positive().optional(),
  noticeDays: z.number().int().min(1).max(MAX_NOTICE_DAYS).optional(),
  /** ACH: the business or consumer account, as the customer declared it. */
  accountHolderType: z.enum(['business', 'consumer']).optional(),
  /** ACH: the version of the recurring authorization shown beside Turn on autopay. */
  achAuthorizationVersion: z.string().trim().min(1).max(100).optional(),
});
export type EnrolmentRequest = z.infer<typeof enrolmentRequest>;

/** The recurring authorization the customer is about to give, in the words they will see. */
export const authorizationPreview = z.strictObject({ version: z.string(), text: z.string() }).nullable();

export const resumeRequest = z.object({ maxAmountCents: z.number().int().positive().nullable().optional() });

export const enrolment = z.strictObject({
  id,
  status: z.enum(AUTOPAY_STATUSES),
  statusLabel: z.string(),
  attentionReason: z.string().nullable(),
  dealerId: id,
  customerAccountId: id,
  accountNumber: z.string(),
  rule: autopayRule,
  ruleText: z.string(),
  daysBeforeDue: z.number().int().nullable(),
  maxAmountCents: cents.nullable(),
  noticeDays: z.number().int(),
  method: z.enum(['ach', 'card']),
  methodLabel: z.string(),
  accountMask: z.string(),
  accountHolderType: z.enum(['business', 'consumer']).nullable(),
  authorizationVersion: z.string().nullable(),
  authorizedAt: timestamp,
  nextDebitDate: day.nullable(),
  lastPaymentId: id.nullable(),
  canceledAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type Enrolment = z.infer<typeof enrolment>;

export const enrolments = z.strictObject({ enrolments: z.array(enrolment) });

import { z } from 'zod';
import { count, id, timestamp } from '../fields';

/**
 * The emails sent to or about one customer account (invitations, payment notices, receipts),
 * as the console's customer page lists them: newest first, `ra-data-simple-rest` paging
 * (`range`, answered with Content-Range). No filter and one order.
 */
export const EMAIL_STATUSES = ['queued', 'sent', 'failed'] as const;
export const emailStatus = z.enum(EMAIL_STATUSES);
export type EmailStatus = z.infer<typeof emailStatus>;

/** The list takes no filter keys; an unknown one is refused. */
export const customerEmailFilter = z.object({});

export const customerEmailRow = z.strictObject({
  id,
  /** What the email is: `customer_invite`, `payment_submitted`, `payment_returned`, `payment_receipt`, `payment_reminder`, … */
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  /** queued: waiting for (another) attempt; sent: the SMTP server accepted it; failed: given up on. */
  status: emailStatus,
  attempts: count,
  /** Why the last attempt failed, as the mail library or server said it; null once sent. */
  lastError: z.string().nullable(),
  /** The SMTP server's own answer to the last attempt ("250 OK …", "550 No such mailbox"). */
  smtpAnswer: z.string().nullable(),
  paymentId: id.nullable(),
  /** A payment reminder's rules that named its items (`before_due:7`, `on_due`, `past_due:30`, `statement_ready`); null for other mail. */
  reminderRules: z.array(z.string()).nullable(),
  queuedAt: timestamp,
  sentAt: timestamp.nullable(),
});
export type CustomerEmailRow = z.infer<typeof customerEmailRow>;

import { z } from 'zod';
import { SCHEDULED_PAYMENT_STATUSES } from '../../domain/scheduled-payment';
import { calendarDate, cents, day, id, timestamp } from '../fields';
import { paymentRequest, preview } from './payments';
import { itemType } from './outstanding';

/**
 * Scheduled one-off payments (docs/scheduled-payments.md): the items and method of a payment,
 * and the dealer-local date to pay them on. The preview is quoted as of that date.
 */
export const scheduleRequest = paymentRequest.extend({
  scheduledFor: calendarDate,
});
export type ScheduleRequest = z.infer<typeof scheduleRequest>;

/** What paying on that date would charge, as the Pay page shows it. */
export const schedulePreview = preview.extend({ scheduledFor: day });

export const scheduledPayment = z.strictObject({
  id,
  status: z.enum(SCHEDULED_PAYMENT_STATUSES),
  statusLabel: z.string(),
  scheduledFor: day,
  /** What it came to when scheduled; the day's quote may be lower if an item was paid meanwhile. */
  quotedAmountCents: cents,
  dealerId: id,
  customerAccountId: id,
  methodLabel: z.string(),
  items: z.array(z.strictObject({ type: itemType, id, number: z.string(), amountCents: cents, state: z.enum(['reserved', 'released', 'dropped']) })),
  paymentId: id.nullable(),
  failureReason: z.string().nullable(),
  canceledAt: timestamp.nullable(),
  createdAt: timestamp,
});
export type ScheduledPayment = z.infer<typeof scheduledPayment>;

export const scheduledPayments = z.strictObject({ scheduledPayments: z.array(scheduledPayment) });

import { z } from 'zod';

/** Cancelling a customer's scheduled payment from the console: the customer is emailed the reason. */
export const cancelScheduleBody = z.object({ reason: z.string().trim().min(3, 'give a reason of at least 3 characters').max(500) });
export type CancelScheduleBody = z.infer<typeof cancelScheduleBody>;

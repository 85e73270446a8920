import { z } from 'zod';
import { PAYMENT_STATUSES } from './payment-status';

/**
 * The status names as a zod schema, for API validation. Kept apart from payment-status.ts
 * because workflows import that file, and every module a workflow imports is evaluated again
 * for each workflow the worker creates: zod there cost every workflow (even a no-op) its
 * schema construction.
 */
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);

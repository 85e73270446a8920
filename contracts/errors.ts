import { z } from 'zod';

/**
 * Every refusal the API gives: `{ error: { code, message, details? } }` with a 4xx status
 * (`code` for programs, `message` for people). A 500 carries the request id as well.
 */
export const fieldProblem = z.object({ field: z.string(), message: z.string(), code: z.string().optional() });

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  }).strict(),
}).strict();
export type ErrorResponse = z.infer<typeof errorResponse>;

/**
 * Refusal codes of unapplied credit (docs/unapplied-credit.md), named where the rules live
 * (domain/account-credit.ts) and listed here with the API's shape; `overpayment_not_allowed`
 * is also a quote error in a preview's `errors`.
 */
export { CREDIT_REFUSALS } from '../domain/account-credit';

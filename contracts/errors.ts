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

/**
 * Refusal codes of company roles, approvals and job pay links (docs/company-roles.md), with
 * what each means to a program.
 */
export const COMPANY_ROLE_ERROR_CODES = {
  company_role_required: '403: the signed-in user\'s role in their company may not do this (owners manage the team, approve and make job pay links)',
  last_owner: '409: the change would leave the company without an active owner',
  job_not_found: '400: a job id in jobIds is not on an account the company links',
  approval_not_pending: '409: the approval was already approved, declined or expired',
  approval_not_due: '409: an approval may not lapse before its time',
  pay_link_unusable: '404: the job pay link expired, was revoked or never existed',
  nothing_to_pay: '409: nothing on the link\'s job is open to pay',
} as const;
export type CompanyRoleErrorCode = keyof typeof COMPANY_ROLE_ERROR_CODES;

import { z } from 'zod';
import { id } from '../fields';

/** Operator sign-in, the session answer and the single-use set-password link. */

export const OPERATOR_ROLES = ['admin', 'ar_operator'] as const;
export const operatorRole = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof operatorRole>;

export const signInBody = z.object({ email: z.string().trim().email(), password: z.string().min(1).max(200) });

export const operatorUser = z.strictObject({ id, email: z.string(), name: z.string(), role: operatorRole });

const sessionDealer = z.strictObject({
  id,
  name: z.string(),
  time_zone: z.string(),
  integration_mode: z.enum(['spruce', 'file']),
  bills_by_statement: z.boolean().optional(),
});

export const operatorSession = z.strictObject({ user: operatorUser, dealer: sessionDealer, csrfToken: z.string() });
export type OperatorSession = z.infer<typeof operatorSession>;

export const setPasswordQuery = z.object({ token: z.string().min(20).max(200) });
export const setPasswordBody = z.object({ token: z.string().min(20).max(200), password: z.string().min(1).max(200) });

export const setPasswordLink = z.strictObject({
  email: z.string(),
  name: z.string(),
  dealer_name: z.string(),
  purpose: z.enum(['operator_invite', 'operator_password_reset']),
});
export const setPasswordDone = z.strictObject({ email: z.string() });


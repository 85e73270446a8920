import { z } from 'zod';
import { COMPANY_ROLES } from '../../domain/company-roles';
import { id } from '../fields';

/** Customer sign-in, the session answer and password reset. */

export const signInBody = z.object({ email: z.string().trim().email(), password: z.string().min(1).max(200) });

/** `role`: what the user may do in their company (docs/company-roles.md); the portal shows owners the Team page. */
export const portalUser = z.strictObject({ id, email: z.string(), name: z.string(), role: z.enum(COMPANY_ROLES) });
export type User = z.infer<typeof portalUser>;

export const portalSession = z.strictObject({ user: portalUser, csrfToken: z.string() });
export type Session = z.infer<typeof portalSession>;

export const forgotPasswordBody = z.object({ email: z.string().trim().email().max(320) });
export const resetPasswordBody = z.object({ token: z.string().trim().min(20).max(200), password: z.string().min(1).max(200) });
export const forgotPasswordAnswer = z.strictObject({ message: z.string() });

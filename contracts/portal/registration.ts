import { z } from 'zod';
import { timestamp } from '../fields';

/** Invitation look-up, registration (a new login or an existing one) and one-click decline. */

const token = z.string().trim().min(20).max(200);
const password = z.string().min(1).max(200);

export const invitationLookupBody = z.object({ token });
export const registerBody = z.object({
  token,
  name: z.string().trim().min(1, 'enter your name').max(200),
  email: z.string().trim().email().max(320).optional(),
  password,
  companyName: z.string().trim().min(1).max(200).optional(),
  acceptTerms: z.literal(true, { message: 'accept the terms to register' }),
  termsVersion: z.string().min(1).max(40),
});
export const registerExistingBody = z.object({ token, email: z.string().trim().email().max(320), password });

export const invitationLookup = z.strictObject({
  dealerName: z.string(),
  accountName: z.string(),
  erpAccountId: z.string(),
  email: z.string(),
  expiresAt: timestamp,
  existingLogin: z.boolean(),
  termsVersion: z.string(),
});
export type InvitationLookup = z.infer<typeof invitationLookup>;

export const declineAnswer = z.strictObject({ dealerName: z.string(), alreadyDeclined: z.boolean() });

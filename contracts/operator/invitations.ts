import { z } from 'zod';
import { guid, id, idFilter, oneOrMany, timestamp } from '../fields';

/** Invitations to the Payments portal: bulk invite, resend, list and one invitation. */

export const MAX_BULK_INVITATIONS = 500;

export const inviteBody = z.object({
  customerAccountIds: z.array(z.string().trim().min(1).max(100)).min(1, 'select at least one customer').max(MAX_BULK_INVITATIONS, `at most ${MAX_BULK_INVITATIONS} customers at once`),
});

export const INVITATION_ROW_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'superseded'] as const;

export const invitationFilter = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  status: oneOrMany(z.enum(INVITATION_ROW_STATUSES)).optional(),
  customer_account_id: guid.optional(),
  id: idFilter.optional(),
});

export const inviteOutcome = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.enum(['invited', 'resent']), customerAccountId: z.string(), erpAccountId: z.string(), accountName: z.string(),
    invitationId: id, email: z.string(), expiresAt: timestamp,
  }),
  z.strictObject({
    outcome: z.literal('error'), customerAccountId: z.string(), erpAccountId: z.string().nullable(), accountName: z.string().nullable(),
    error: z.strictObject({ code: z.string(), message: z.string() }),
  }),
]);
export type InviteOutcome = z.infer<typeof inviteOutcome>;

export const inviteAnswer = z.strictObject({
  results: z.array(inviteOutcome),
  counts: z.strictObject({ invited: z.number().int(), resent: z.number().int(), error: z.number().int() }),
});
export type InviteAnswer = z.infer<typeof inviteAnswer>;

export const invitationRow = z.strictObject({
  id,
  customer_account_id: id,
  account_name: z.string(),
  erp_account_id: z.string(),
  email: z.string(),
  sent_at: timestamp.nullable(),
  expires_at: timestamp,
  responded_at: timestamp.nullable(),
  created_at: timestamp,
  invited_by: id.nullable(),
  invited_by_name: z.string().nullable(),
  accepted_by_portal_user_id: id.nullable(),
  status: z.enum(INVITATION_ROW_STATUSES),
});
export type InvitationRow = z.infer<typeof invitationRow>;

export const resentInvitation = invitationRow.extend({ outcome: z.enum(['invited', 'resent']) });

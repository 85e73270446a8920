/**
 * Why the bank asks a customer to reconnect a bank account linked through Plaid, weakest first:
 * a warning that access will lapse, one that the bank will disconnect, an expired login, and
 * access withdrawn (which only a new link mends). A weaker reason never replaces a stronger one.
 */
export const RELINK_REASONS = ['pending_expiration', 'pending_disconnect', 'login_required', 'permission_revoked'] as const;
export type RelinkReason = (typeof RELINK_REASONS)[number];

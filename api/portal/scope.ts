/**
 * A customer reaches a dealer account only through an active link from their company, and
 * only while the dealer has not disabled portal access; the store (db/portal-scope.ts) applies
 * that rule. The sign-in routes and session middleware read the block from here.
 */
export { linkedAccount, linkedAccountIds, portalAccessBlocked } from '../../db/portal-scope';

export const PORTAL_ACCESS_OFF_MESSAGE = 'Your supplier has turned off Payments portal access for your account. Contact them to have it restored.';

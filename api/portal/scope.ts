import type { Knex } from 'knex';
import { notFound } from '../errors';

/**
 * A customer reaches a dealer account only through an active link from their company, and
 * only while the dealer has not disabled portal access. Anything else is "not found": the
 * portal never confirms that someone else's account exists.
 */
export async function linkedAccount(db: Knex, companyId: string, customerAccountId: string) {
  const account = await db('company_account_links as l')
    .join('customer_accounts as a', 'a.id', 'l.customer_account_id')
    .where({ 'l.company_id': companyId, 'l.customer_account_id': customerAccountId, 'l.status': 'active', 'a.portal_access_disabled': false })
    .whereNull('a.deleted_at')
    .first('a.id', 'a.dealer_id', 'a.name', 'a.erp_account_id', 'a.state');
  if (!account) throw notFound('Account');
  return account as { id: string; dealer_id: string; name: string; erp_account_id: string; state: string | null };
}

/** Ids of every account the company may see, optionally for one dealer. */
export function linkedAccountIds(db: Knex, companyId: string, dealerId?: string) {
  const query = db('company_account_links as l')
    .join('customer_accounts as a', 'a.id', 'l.customer_account_id')
    .where({ 'l.company_id': companyId, 'l.status': 'active', 'a.portal_access_disabled': false })
    .whereNull('a.deleted_at');
  if (dealerId) query.where('l.dealer_id', dealerId);
  return query.pluck('a.id') as Promise<string[]>;
}

export const PORTAL_ACCESS_OFF_MESSAGE = 'Your supplier has turned off Payments portal access for your account. Contact them to have it restored.';

/**
 * True when every account the company reaches has had its portal access turned off by its
 * dealer: its users can then neither sign in nor keep using a session. A company with no
 * disabled link (none at all, or only accounts the ERP removed) is not blocked here; the
 * per-account checks above already show it nothing.
 */
export async function portalAccessBlocked(db: Knex, companyId: string): Promise<boolean> {
  const row = await db('company_account_links as l')
    .join('customer_accounts as a', 'a.id', 'l.customer_account_id')
    .where({ 'l.company_id': companyId, 'l.status': 'active' })
    .first(
      db.raw('coalesce(bool_or(a.portal_access_disabled), false) as any_disabled'),
      db.raw('coalesce(bool_or(not a.portal_access_disabled and a.deleted_at is null), false) as any_reachable'),
    );
  return Boolean(row?.any_disabled) && !row?.any_reachable;
}

import { Router } from 'express';
import { z } from 'zod';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { query } from '../validate';
import { outstandingFor } from './outstanding-query';
import { linkedAccountIds } from './scope';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const outstandingQuery = z.object({
  dealerId: z.string().trim(),
  view: z.enum(['all', 'current_statement', 'new_charges']).default('all'),
});

/** Supplier selection and what is owed to one supplier, for the signed-in customer's company. */
export function outstandingRoutes({ db }: AppDeps): Router {
  const router = Router();

  const visibleAccounts = async (companyId: string, dealerId?: string) => {
    const ids = await linkedAccountIds(db, companyId, dealerId);
    if (ids.length === 0) return [];
    return db('customer_accounts').whereIn('id', ids).orderBy([{ column: 'name' }, { column: 'erp_account_id' }]).select('id', 'dealer_id', 'erp_account_id', 'name');
  };

  router.get('/dealers', async (req, res) => {
    const accounts = await visibleAccounts(customerOf(req).companyId);
    const dealerIds = [...new Set(accounts.map((account: { dealer_id: string }) => account.dealer_id))];
    const dealers = dealerIds.length
      ? await db('dealers').whereIn('id', dealerIds).orderBy('name').select('id', 'name', 'bills_by_statement', 'allow_partial_payments', 'time_zone')
      : [];
    res.json(dealers.map((dealer: Record<string, any>) => ({
      id: dealer.id,
      name: dealer.name,
      billsByStatement: dealer.bills_by_statement,
      allowPartialPayments: dealer.allow_partial_payments,
      timeZone: dealer.time_zone,
      accounts: accounts
        .filter((account: { dealer_id: string }) => account.dealer_id === dealer.id)
        .map((account: Record<string, string>) => ({ id: account.id, erpAccountId: account.erp_account_id, name: account.name })),
    })));
  });

  router.get('/outstanding', async (req, res) => {
    const { dealerId, view } = query(req, outstandingQuery);
    if (!GUID.test(dealerId)) throw notFound('Supplier');
    const accounts = await visibleAccounts(customerOf(req).companyId, dealerId);
    if (accounts.length === 0) throw notFound('Supplier');
    const dealer = await db('dealers').where({ id: dealerId }).first('id', 'name', 'time_zone', 'bills_by_statement', 'allow_partial_payments');
    if (view !== 'all' && !dealer.bills_by_statement) {
      throw badRequest('statements_not_used', `${dealer.name} does not bill by monthly statement; use the All view.`);
    }
    const result = await outstandingFor(db, { dealer, accounts, view });
    res.json({
      dealer: { id: dealer.id, name: dealer.name, billsByStatement: dealer.bills_by_statement, allowPartialPayments: dealer.allow_partial_payments, timeZone: dealer.time_zone },
      view,
      ...result,
    });
  });

  return router;
}

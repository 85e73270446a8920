import { Router } from 'express';
import { OPEN_ADJUSTMENT_STATUSES, OPEN_INVOICE_STATUSES } from '../../domain/aging';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { query } from '../validate';
import { outstandingFor } from './outstanding-query';
import { linkedAccountIds } from './scope';
import { GUID } from '../../contracts/fields';
import { outstandingQuery } from '../../contracts/portal/outstanding';


/** Supplier selection and what is owed to one supplier, for the signed-in customer's company. */
export function outstandingRoutes({ db }: AppDeps): Router {
  const router = Router();

  const visibleAccounts = async (companyId: string, dealerId?: string) => {
    const ids = await linkedAccountIds(db, companyId, dealerId);
    if (ids.length === 0) return [];
    return db('customer_accounts').whereIn('id', ids).orderBy([{ column: 'name' }, { column: 'erp_account_id' }]).select('id', 'dealer_id', 'erp_account_id', 'name');
  };

  /** What the linked accounts owe each dealer, counted as the Outstanding page's "Total owed": invoices + debits − credits. */
  const openBalanceByDealer = async (accountIds: string[]): Promise<Map<string, number>> => {
    const [invoices, adjustments] = await Promise.all([
      db('invoices').whereIn('customer_account_id', accountIds).whereIn('status', OPEN_INVOICE_STATUSES as unknown as string[])
        .groupBy('dealer_id').select('dealer_id', db.raw('coalesce(sum(balance_cents), 0)::bigint as cents')),
      db('adjustments').whereIn('customer_account_id', accountIds).whereIn('status', OPEN_ADJUSTMENT_STATUSES as unknown as string[])
        .groupBy('dealer_id').select('dealer_id', db.raw("coalesce(sum(case when kind = 'credit' then -balance_cents else balance_cents end), 0)::bigint as cents")),
    ]);
    const totals = new Map<string, number>();
    for (const row of [...invoices, ...adjustments] as Array<{ dealer_id: string; cents: string | number }>) totals.set(row.dealer_id, (totals.get(row.dealer_id) ?? 0) + Number(row.cents));
    return totals;
  };

  router.get('/dealers', async (req, res) => {
    const accounts = await visibleAccounts(customerOf(req).companyId);
    const dealerIds = [...new Set(accounts.map((account: { dealer_id: string }) => account.dealer_id))];
    const accountIds = accounts.map((account: { id: string }) => account.id);
    const [dealers, balances] = dealerIds.length
      ? await Promise.all([
        db('dealers').whereIn('id', dealerIds).orderBy('name').select('id', 'name', 'bills_by_statement', 'allow_partial_payments', 'time_zone'),
        openBalanceByDealer(accountIds),
      ])
      : [[], new Map<string, number>()];
    res.json(dealers.map((dealer: Record<string, any>) => ({
      id: dealer.id,
      name: dealer.name,
      billsByStatement: dealer.bills_by_statement,
      allowPartialPayments: dealer.allow_partial_payments,
      timeZone: dealer.time_zone,
      openBalanceCents: balances.get(dealer.id) ?? 0,
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

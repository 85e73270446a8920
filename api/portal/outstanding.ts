import { Router } from 'express';
import { creditBalances } from '../../db/account-credits';
import { openBalanceByDealer } from '../../db/outstanding';
import { portalDealer, portalDealers, visibleAccounts } from '../../db/portal-scope';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { query } from '../validate';
import { outstandingFor } from './outstanding-query';
import { GUID } from '../../contracts/fields';
import { outstandingQuery } from '../../contracts/portal/outstanding';


/** Supplier selection and what is owed to one supplier, for the signed-in customer's company. */
export function outstandingRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/dealers', async (req, res) => {
    const accounts = await visibleAccounts(db, customerOf(req).companyId);
    const dealerIds = [...new Set(accounts.map((account) => account.dealer_id))];
    const accountIds = accounts.map((account) => account.id);
    const [dealers, balances, credits] = dealerIds.length
      ? await Promise.all([portalDealers(db, dealerIds), openBalanceByDealer(db, accountIds), creditBalances(db, accountIds)])
      : [[], new Map<string, number>(), new Map<string, number>()];
    res.json(dealers.map((dealer) => ({
      id: dealer.id,
      name: dealer.name,
      billsByStatement: dealer.bills_by_statement,
      allowPartialPayments: dealer.allow_partial_payments,
      allowOverpayment: dealer.allow_overpayment,
      timeZone: dealer.time_zone,
      openBalanceCents: balances.get(dealer.id) ?? 0,
      accounts: accounts
        .filter((account) => account.dealer_id === dealer.id)
        .map((account) => ({ id: account.id, erpAccountId: account.erp_account_id, name: account.name, unappliedCreditCents: credits.get(account.id) ?? 0 })),
    })));
  });

  router.get('/outstanding', async (req, res) => {
    const { dealerId, view } = query(req, outstandingQuery);
    if (!GUID.test(dealerId)) throw notFound('Supplier');
    const accounts = await visibleAccounts(db, customerOf(req).companyId, dealerId);
    if (accounts.length === 0) throw notFound('Supplier');
    const dealer = await portalDealer(db, dealerId);
    if (!dealer) throw notFound('Supplier');
    if (view !== 'all' && !dealer.bills_by_statement) {
      throw badRequest('statements_not_used', `${dealer.name} does not bill by monthly statement; use the All view.`);
    }
    const result = await outstandingFor(db, { dealer, accounts, view });
    res.json({
      dealer: { id: dealer.id, name: dealer.name, billsByStatement: dealer.bills_by_statement, allowPartialPayments: dealer.allow_partial_payments, allowOverpayment: dealer.allow_overpayment, timeZone: dealer.time_zone },
      view,
      ...result,
    });
  });

  return router;
}

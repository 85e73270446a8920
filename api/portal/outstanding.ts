import { Router, type Request } from 'express';
import { supplierList } from '../../db/outstanding';
import { supplierAccounts } from '../../db/portal-scope';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { query } from '../validate';
import { outstandingFor, outstandingItemsFor } from './outstanding-query';
import { GUID } from '../../contracts/fields';
import { outstandingItemsQuery, outstandingQuery, type View } from '../../contracts/portal/outstanding';


/** Supplier selection and what is owed to one supplier, for the signed-in customer's company. */
export function outstandingRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/dealers', async (req, res) => {
    const customer = customerOf(req);
    const { accounts, dealers } = await supplierList(db, customer);
    res.json(dealers.map((dealer) => ({
      id: dealer.id,
      name: dealer.name,
      billsByStatement: dealer.bills_by_statement && customer.jobIds === null,
      allowPartialPayments: dealer.allow_partial_payments,
      allowOverpayment: dealer.allow_overpayment,
      timeZone: dealer.time_zone,
      openBalanceCents: Number(dealer.open_balance_cents),
      accounts: accounts
        .filter((account) => account.dealer_id === dealer.id)
        .map((account) => ({ id: account.id, erpAccountId: account.erp_account_id, name: account.name, unappliedCreditCents: Number(account.unapplied_credit_cents) })),
    })));
  });

  /** The supplier and the company's accounts with it, or 404 as for a supplier that does not exist. */
  async function supplierScope(req: Request, dealerId: string, view: View) {
    const customer = customerOf(req);
    if (!GUID.test(dealerId)) throw notFound('Supplier');
    const { dealer: found, accounts } = await supplierAccounts(db, customer, dealerId);
    if (accounts.length === 0 || !found) throw notFound('Supplier');
    // A statement lists every job's items: a project manager works from the All view (docs/company-roles.md).
    const dealer = customer.jobIds === null ? found : { ...found, bills_by_statement: false };
    if (view !== 'all' && !dealer.bills_by_statement) {
      throw badRequest('statements_not_used', `${dealer.name} does not bill by monthly statement; use the All view.`);
    }
    return { dealer, accounts, jobIds: customer.jobIds };
  }

  router.get('/outstanding', async (req, res) => {
    const { dealerId, view } = query(req, outstandingQuery);
    const { dealer, accounts, jobIds } = await supplierScope(req, dealerId, view);
    const result = await outstandingFor(db, { dealer, accounts, view, jobIds });
    res.json({
      dealer: { id: dealer.id, name: dealer.name, billsByStatement: dealer.bills_by_statement, allowPartialPayments: dealer.allow_partial_payments, allowOverpayment: dealer.allow_overpayment, timeZone: dealer.time_zone },
      view,
      ...result,
    });
  });

  router.get('/outstanding/items', async (req, res) => {
    const { dealerId, view, accountId, jobId, ids, offset, limit } = query(req, outstandingItemsQuery);
    const { dealer, accounts, jobIds } = await supplierScope(req, dealerId, view);
    if (accountId !== undefined && !accounts.some((account) => account.id === accountId)) throw notFound('Account');
    if (jobId !== undefined && jobId !== 'none' && !GUID.test(jobId)) throw notFound('Job');
    // An id that is not a GUID names nothing the customer could have been sent.
    const wanted = ids === undefined ? undefined : [...new Set(ids.split(',').map((part) => part.trim()).filter((part) => GUID.test(part)))];
    res.json(await outstandingItemsFor(db, {
      dealer, accounts, view, jobIds, accountId, jobId: jobId === undefined ? undefined : jobId === 'none' ? null : jobId, ids: wanted, offset, limit,
    }));
  });

  return router;
}

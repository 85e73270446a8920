import { Router } from 'express';
import { portalApplyCreditBody } from '../../contracts/portal/account-credit';
import { linkedAccount } from '../../db/portal-scope';
import { applyCredit } from '../../services/account-credit';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { mergeByInvoice } from '../../domain/account-credit';
import { body } from '../validate';

/** The customer applies their unapplied credit to invoices from the Pay page (docs/unapplied-credit.md): no processor involved. */
export function portalCreditRoutes(deps: AppDeps): Router {
  const router = Router();

  router.post('/credit/apply', async (req, res) => {
    const customer = customerOf(req);
    const request = body(req, portalApplyCreditBody);
    const account = await linkedAccount(deps.db, customer.companyId, request.customerAccountId);
    if (account.dealer_id !== request.dealerId) throw notFound('Account');
    const result = await applyCredit(deps, {
      dealerId: account.dealer_id, customerAccountId: account.id, invoiceIds: request.invoiceIds, amountCents: request.amountCents ?? null,
      actor: { kind: 'customer', id: customer.id },
    });
    res.json({ appliedCents: result.appliedCents, balanceCents: result.balanceCents, invoices: mergeByInvoice(result.applications) });
  });

  return router;
}

import { Router } from 'express';
import { applyCreditBody, CREDIT_KIND_LABELS, type AccountCreditView, type CreditApplied } from '../../contracts/operator/account-credit';
import { accountCredit, type CreditEntryRow } from '../../db/account-credits';
import { mergeByInvoice } from '../../domain/account-credit';
import { applyCredit } from '../../services/account-credit';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { body } from '../validate';
import { routeId } from './list-helpers';

/** A customer's unapplied credit on the console (docs/unapplied-credit.md): balance, ledger, apply to invoices (audited). */
export function accountCreditRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  const view = async (dealerId: string, customerAccountId: string): Promise<AccountCreditView> => {
    const credit = await accountCredit(db, dealerId, customerAccountId);
    if (!credit) throw notFound('Customer');
    return { customer_account_id: customerAccountId, balance_cents: credit.balanceCents, entries: credit.entries.map(toEntry) };
  };

  router.get('/customers/:id/credit', async (req, res) => {
    res.json(await view(operatorOf(req).dealerId, routeId(req.params.id, 'Customer')));
  });

  // Both roles: applying a customer's cash to their invoices is everyday AR work.
  router.post('/customers/:id/credit/apply', requireRole('admin', 'ar_operator'), async (req, res) => {
    const operator = operatorOf(req);
    const customerAccountId = routeId(req.params.id, 'Customer');
    if (!(await accountCredit(db, operator.dealerId, customerAccountId))) throw notFound('Customer');
    const request = body(req, applyCreditBody);
    const result = await applyCredit(deps, {
      dealerId: operator.dealerId, customerAccountId, invoiceIds: request.invoice_ids, amountCents: request.amount_cents ?? null,
      actor: { kind: 'operator', id: operator.id }, note: request.note || null,
    });
    const answer: CreditApplied = {
      applied_cents: result.appliedCents, balance_cents: result.balanceCents, settlement_number: result.settlement.number,
      invoices: mergeByInvoice(result.applications).map(({ invoiceId, amountCents }) => ({ invoice_id: invoiceId, amount_cents: amountCents })),
    };
    res.json(answer);
  });

  return router;
}

function toEntry(row: CreditEntryRow) {
  return {
    id: row.id, kind: row.kind, kind_label: CREDIT_KIND_LABELS[row.kind], amount_cents: Number(row.amount_cents), payment_id: row.payment_id, payment_number: row.payment_number,
    invoice_id: row.invoice_id, invoice_number: row.invoice_number, actor_kind: row.actor_kind, note: row.note, created_at: new Date(row.created_at).toISOString(),
  };
}

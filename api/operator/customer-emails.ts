import { Router } from 'express';
import { customerEmailFilter, type CustomerEmailRow } from '../../contracts/operator/customer-emails';
import { customerEmails } from '../../db/email-outbox';
import { reminderRulesOfEmails } from '../../db/reminders';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { parseFilter, routeId } from './list-helpers';

/** The emails sent to or about one customer of the operator's dealer, newest first. */
export function customerEmailRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/customers/:id/emails', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const customerId = routeId(req.params.id, 'Customer');
    const params = listParams(req, { sort: { field: 'queuedAt', order: 'DESC' } });
    parseFilter(customerEmailFilter, params.filter);
    // One order: what was written last is what an operator asks about.
    if (params.sort && !(params.sort.field === 'queuedAt' && params.sort.order === 'DESC')) {
      throw badRequest('invalid_list_params', 'emails are listed newest first only: sort must be ["queuedAt","DESC"] or left out');
    }
    const found = await customerEmails(db, dealerId, customerId, { limit: params.range.end - params.range.start + 1, offset: params.range.start });
    // Another dealer's customer, or none: the same 404.
    if (!found) throw notFound('Customer');
    const { rows, total } = found;
    const reminderRules = await reminderRulesOfEmails(db, rows.filter((row) => row.kind === 'payment_reminder').map((row) => row.id));
    sendList(res, 'emails', rows.map((row): CustomerEmailRow => ({
      id: row.id,
      kind: row.kind,
      to: row.to_address,
      subject: row.subject,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
      smtpAnswer: row.smtp_response,
      paymentId: row.payment_id,
      reminderRules: reminderRules.get(row.id) ?? null,
      queuedAt: new Date(row.created_at).toISOString(),
      sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    })), params.range, total);
  });

  return router;
}

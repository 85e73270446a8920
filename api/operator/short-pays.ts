import { Router } from 'express';
import { resolveShortPayBody, shortPayFilter, type ShortPay } from '../../contracts/operator/short-pays';
import { findShortPay, listShortPays, resolveShortPay, type ShortPayRow } from '../../db/short-pays';
import { SHORT_PAY_REASON_LABELS, SHORT_PAY_RESOLUTION_LABELS } from '../../domain/short-pay';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { asArray, parseFilter, routeId } from './list-helpers';

/** The short-pay worklist (docs/short-pays.md): open claims first, newest first among them. */
export function shortPayRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/short-pays', async (req, res) => {
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parseFilter(shortPayFilter, params.filter);
    const { rows, total } = await listShortPays(db, operatorOf(req).dealerId, {
      statuses: filter.status ? asArray(filter.status) : undefined,
      reasons: filter.reason ? asArray(filter.reason) : undefined,
      customerAccountId: filter.customer_account_id,
      paymentId: filter.payment_id,
      ids: filter.id ? asArray(filter.id) : undefined,
    }, params);
    sendList(res, 'short-pays', rows.map(toRecord), params.range, total);
  });

  router.get('/short-pays/:id', async (req, res) => {
    const row = await findShortPay(db, operatorOf(req).dealerId, routeId(req.params.id, 'Short-pay'));
    if (!row) throw notFound('Short-pay');
    res.json(toRecord(row));
  });

  // Both roles: settling a claim is the AR clerk's everyday work, like recording a dispute.
  router.post('/short-pays/:id/resolve', requireRole('admin', 'ar_operator'), async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Short-pay');
    // Another dealer's id is unknown whatever the body says.
    if (!(await findShortPay(db, operator.dealerId, id))) throw notFound('Short-pay');
    const { resolution, note } = body(req, resolveShortPayBody);
    res.json(toRecord(await resolveShortPay(db, { dealerId: operator.dealerId, operatorId: operator.id }, id, { resolution, note: note || null })));
  });

  return router;
}

function toRecord(row: ShortPayRow): ShortPay {
  return {
    ...row,
    reason_label: SHORT_PAY_REASON_LABELS[row.reason],
    resolution_label: row.resolution ? SHORT_PAY_RESOLUTION_LABELS[row.resolution] : null,
    resolved_at: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
    created_at: new Date(row.created_at).toISOString(),
  };
}

import { Router } from 'express';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { auditFilter } from '../../contracts/operator/audit-events';
import { asArray, parseFilter } from './list-helpers';
import { pageOf } from '../../db/list-query';

const COLUMNS = [
  'ae.id', 'ae.at', 'ae.actor_kind', 'ae.actor_id', 'ae.action', 'ae.entity_type', 'ae.entity_id', 'ae.data',
  // Who did it, by name, whichever kind of user it was.
  'ou.name as operator_name',
  'pu.name as customer_user_name',
];

const SORTABLE = { at: 'ae.at', action: 'ae.action', entity_type: 'ae.entity_type', actor_kind: 'ae.actor_kind' };

/** The dealer's append-only audit log, newest first. */
export function auditEventRoutes({ db }: AppDeps): Router {
  const router = Router();

  const scoped = (dealerId: string) =>
    db('audit_events as ae')
      .leftJoin('operator_users as ou', (join) => join.on(db.raw('ou.id::text = ae.actor_id')).andOnVal('ae.actor_kind', '=', 'operator'))
      .leftJoin('portal_users as pu', (join) => join.on(db.raw('pu.id::text = ae.actor_id')).andOnVal('ae.actor_kind', '=', 'customer'))
      .where('ae.dealer_id', dealerId);

  router.get('/audit-events', async (req, res) => {
    const params = listParams(req, { sort: { field: 'at', order: 'DESC' } });
    const filter = parseFilter(auditFilter, params.filter);
    const base = scoped(operatorOf(req).dealerId);
    if (filter.entity_type) base.whereIn('ae.entity_type', asArray(filter.entity_type));
    if (filter.entity_id) base.where('ae.entity_id', filter.entity_id);
    if (filter.action) base.whereIn('ae.action', asArray(filter.action));
    if (filter.actor_kind) base.whereIn('ae.actor_kind', asArray(filter.actor_kind));
    if (filter.at_gte) base.where('ae.at', '>=', filter.at_gte);
    if (filter.at_lte) base.where('ae.at', '<=', filter.at_lte);
    if (filter.id) base.whereIn('ae.id', asArray(filter.id));
    if (filter.customer_account_id) {
      const account = filter.customer_account_id;
      base.where((where) => where.where('ae.entity_id', account).orWhereRaw(`ae.data->>'customer_account_id' = ?`, [account]));
    }
    const { rows, total } = await pageOf<Record<string, unknown>>(base, COLUMNS, params, SORTABLE, 'ae.id');
    sendList(res, 'audit-events', rows.map(withActorName), params.range, total);
  });

  router.get('/audit-events/:id', async (req, res) => {
    if (!/^\d{1,18}$/.test(req.params.id)) throw notFound('Audit event');
    const row = await scoped(operatorOf(req).dealerId).where('ae.id', req.params.id).first(COLUMNS);
    if (!row) throw notFound('Audit event');
    res.json(withActorName(row));
  });

  return router;
}

function withActorName(row: Record<string, any>) {
  const { operator_name, customer_user_name, ...rest } = row;
  const actorName = operator_name ?? customer_user_name ?? { system: 'Drypowder', processor: 'Payment processor', erp: 'ERP' }[row.actor_kind as string] ?? null;
  return { ...rest, actor_name: actorName };
}

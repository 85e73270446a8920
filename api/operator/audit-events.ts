import { Router } from 'express';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { asArray, parseFilter } from './list-helpers';
import { findAuditEvent, listAuditEvents, type AuditEventRow } from '../../db/audit-events';
import { auditFilter } from '../../contracts/operator/audit-events';

/** The dealer's append-only audit log, newest first. */
export function auditEventRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/audit-events', async (req, res) => {
    const params = listParams(req, { sort: { field: 'at', order: 'DESC' } });
    const filter = parseFilter(auditFilter, params.filter);
    const { rows, total } = await listAuditEvents(db, operatorOf(req).dealerId, {
      entityTypes: filter.entity_type ? asArray(filter.entity_type) : undefined,
      entityId: filter.entity_id,
      customerAccountId: filter.customer_account_id,
      actions: filter.action ? asArray(filter.action) : undefined,
      actorKinds: filter.actor_kind ? asArray(filter.actor_kind) : undefined,
      atGte: filter.at_gte,
      atLte: filter.at_lte,
      ids: filter.id ? asArray(filter.id) : undefined,
    }, params);
    sendList(res, 'audit-events', rows.map(withActorName), params.range, total);
  });

  router.get('/audit-events/:id', async (req, res) => {
    if (!/^\d{1,18}$/.test(req.params.id)) throw notFound('Audit event');
    const row = await findAuditEvent(db, operatorOf(req).dealerId, req.params.id);
    if (!row) throw notFound('Audit event');
    res.json(withActorName(row));
  });

  return router;
}

function withActorName(row: AuditEventRow) {
  const { operator_name, customer_user_name, ...rest } = row;
  const actorName = operator_name ?? customer_user_name ?? { system: 'Drypowder', processor: 'Payment processor', erp: 'ERP' }[row.actor_kind as string] ?? null;
  return { ...rest, actor_name: actorName };
}

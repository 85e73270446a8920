import { Router } from 'express';
import { enrolmentRequest, resumeRequest } from '../../contracts/portal/autopay';
import { isGuid } from '../../contracts/fields';
import { enrolmentsOf, findEnrolment } from '../../db/autopay';
import { linkedAccountIds } from '../../db/portal-scope';
import { changeEnrolment, enrol, previewEnrolment } from '../../services/autopay';
import { autopayAuthorizationResponse } from '../autopay-authorization-response';
import { enrolmentViews } from '../autopay-view';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { body } from '../validate';
import { requireCompanyRole } from '../auth/middleware';

/**
 * Autopay in the portal (docs/autopay.md): see the recurring authorization before enrolling,
 * enrol, list, cancel (revoke), turn back on after it stopped to ask, download the authorization.
 */
export function autopayRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  // A standing authorization debits the whole account, every job: not for a project manager (docs/company-roles.md).
  const accountWide = requireCompanyRole('owner', 'ap');
  const deps = { db, temporal, config };

  const rowOf = async (companyId: string, id: string) => {
    if (!isGuid(id)) throw notFound('Autopay enrolment');
    const row = await findEnrolment(db, { companyId, accountIds: await linkedAccountIds(db, companyId) }, id);
    if (!row) throw notFound('Autopay enrolment');
    return row;
  };
  const viewOf = async (companyId: string, id: string) => (await enrolmentViews(db, [await rowOf(companyId, id)]))[0]!;

  router.post('/autopay/preview', accountWide, async (req, res) => {
    res.json({ achAuthorization: await previewEnrolment(db, customerOf(req).companyId, body(req, enrolmentRequest)) });
  });

  router.post('/autopay', accountWide, async (req, res) => {
    const customer = customerOf(req);
    const id = await enrol(deps, customer, body(req, enrolmentRequest), { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
    res.status(201).json(await viewOf(customer.companyId, id));
  });

  router.get('/autopay', accountWide, async (req, res) => {
    const { companyId } = customerOf(req);
    res.json({ enrolments: await enrolmentViews(db, await enrolmentsOf(db, { companyId, accountIds: await linkedAccountIds(db, companyId) })) });
  });

  router.post('/autopay/:id/cancel', accountWide, async (req, res) => {
    const customer = customerOf(req);
    const row = await rowOf(customer.companyId, String(req.params.id));
    await changeEnrolment(deps, row, 'cancel', { kind: 'customer', id: customer.id });
    res.json(await viewOf(customer.companyId, row.id));
  });

  router.post('/autopay/:id/resume', accountWide, async (req, res) => {
    const customer = customerOf(req);
    const row = await rowOf(customer.companyId, String(req.params.id));
    const { maxAmountCents } = body(req, resumeRequest);
    await changeEnrolment(deps, row, 'resume', { kind: 'customer', id: customer.id }, maxAmountCents !== undefined ? { maxAmountCents } : {});
    res.json(await viewOf(customer.companyId, row.id));
  });

  router.get('/autopay/:id/authorization.pdf', accountWide, async (req, res) => {
    await autopayAuthorizationResponse(db, await rowOf(customerOf(req).companyId, String(req.params.id)), res);
  });

  return router;
}

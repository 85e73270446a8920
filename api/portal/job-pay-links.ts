import { Router } from 'express';
import { isGuid } from '../../contracts/fields';
import { createPortalJobPayLinkBody } from '../../contracts/portal/company-roles';
import { jobPayLinksOf, revokeJobPayLink } from '../../db/job-pay-links';
import { makeJobPayLink } from '../../services/job-pay-links';
import { customerOf } from '../auth/context';
import { requireCompanyRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { jobPayLinkView } from '../job-pay-link-view';
import { body } from '../validate';

/** An owner's job pay links (docs/company-roles.md): make one for a job of the company's accounts, list them, revoke one. */
export function portalJobPayLinkRoutes({ db, config }: AppDeps): Router {
  const router = Router();
  const owner = requireCompanyRole('owner');

  router.get('/job-pay-links', owner, async (req, res) => {
    res.json({ links: (await jobPayLinksOf(db, { companyId: customerOf(req).companyId })).map((row) => jobPayLinkView(row)) });
  });

  router.post('/job-pay-links', owner, async (req, res) => {
    const customer = customerOf(req);
    const input = body(req, createPortalJobPayLinkBody);
    const { row, url } = await makeJobPayLink(db, config.PUBLIC_URL, { kind: 'customer', id: customer.id, companyId: customer.companyId }, input);
    res.status(201).json(jobPayLinkView(row, url));
  });

  router.post('/job-pay-links/:id/revoke', owner, async (req, res) => {
    const customer = customerOf(req);
    const id = String(req.params.id);
    const row = isGuid(id) ? await revokeJobPayLink(db, { kind: 'customer', id: customer.id, companyId: customer.companyId }, id) : undefined;
    if (!row) throw notFound('Pay link');
    res.json(jobPayLinkView(row));
  });

  return router;
}

import { Router } from 'express';
import { createJobPayLinkBody } from '../../contracts/portal/company-roles';
import { jobById } from '../../db/jobs';
import { jobPayLinksOf, revokeJobPayLink } from '../../db/job-pay-links';
import { makeJobPayLink } from '../../services/job-pay-links';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { jobPayLinkView } from '../job-pay-link-view';
import { body } from '../validate';
import { routeId } from './list-helpers';

/** A dealer's job pay links, made on the job in the console (docs/company-roles.md). */
export function operatorJobPayLinkRoutes({ db, config }: AppDeps): Router {
  const router = Router();

  router.get('/jobs/:id/pay-links', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const job = await jobById(db, dealerId, routeId(req.params.id, 'Job'));
    if (!job) throw notFound('Job');
    res.json({ links: (await jobPayLinksOf(db, { dealerId, jobId: job.id })).map((row) => jobPayLinkView(row)) });
  });

  router.post('/jobs/:id/pay-links', async (req, res) => {
    const operator = operatorOf(req);
    const jobId = routeId(req.params.id, 'Job');
    const input = body(req, createJobPayLinkBody);
    const { row, url } = await makeJobPayLink(db, config.PUBLIC_URL, { kind: 'operator', id: operator.id, dealerId: operator.dealerId }, { ...input, jobId });
    res.status(201).json(jobPayLinkView(row, url));
  });

  router.post('/job-pay-links/:id/revoke', async (req, res) => {
    const operator = operatorOf(req);
    const row = await revokeJobPayLink(db, { kind: 'operator', id: operator.id, dealerId: operator.dealerId }, routeId(req.params.id, 'Pay link'));
    if (!row) throw notFound('Pay link');
    res.json(jobPayLinkView(row));
  });

  return router;
}

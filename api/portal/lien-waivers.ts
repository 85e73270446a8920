import { Router } from 'express';
import { portalLienWaiver, portalLienWaivers, recordLienWaiverDownload } from '../../db/lien-waivers';
import { portalScope } from '../../db/portal-scope';
import { GUID } from '../../contracts/fields';
import { portalLienWaiverQuery } from '../../contracts/portal/lien-waivers';
import { customerOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { lienWaiverFileName, lienWaiverRecord } from '../lien-waiver-record';
import { renderLienWaiverPdf } from '../lien-waiver-pdf';
import { query } from '../validate';

const waiverId = (value: unknown) => {
  if (typeof value !== 'string' || !GUID.test(value)) throw notFound('Lien waiver');
  return value;
};

/**
 * The lien waivers of the accounts the customer's company linked, per payment or per job, and
 * each one's PDF; every download is recorded with the user who took it.
 */
export function lienWaiverRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/lien-waivers', async (req, res) => {
    const filter = query(req, portalLienWaiverQuery);
    const rows = await portalLienWaivers(db, await portalScope(db, customerOf(req)), { paymentId: filter.paymentId, jobId: filter.jobId });
    res.json({ waivers: rows.map((row) => ({ ...lienWaiverRecord(row), dealer_name: row.dealer_name })) });
  });

  router.get('/lien-waivers/:id/pdf', async (req, res) => {
    const customer = customerOf(req);
    const waiver = await portalLienWaiver(db, await portalScope(db, customer), waiverId(req.params.id));
    if (!waiver) throw notFound('Lien waiver');
    const pdf = await renderLienWaiverPdf(waiver);
    await recordLienWaiverDownload(db, waiver, { kind: 'customer', id: customer.id, email: customer.email });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${lienWaiverFileName(waiver)}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(pdf);
  });

  return router;
}

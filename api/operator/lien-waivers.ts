import { Router } from 'express';
import {
  lienWaiverDownloads, lienWaiverForms, operatorLienWaiver, operatorLienWaivers, recordLienWaiverDownload, replaceLienWaiverForms,
} from '../../db/lien-waivers';
import { DEFAULT_LIEN_WAIVER_FORM } from '../../domain/lien-waivers';
import { lienWaiverFilter, lienWaiverFormsBody } from '../../contracts/operator/lien-waivers';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { lienWaiverFileName, lienWaiverRecord } from '../lien-waiver-record';
import { renderLienWaiverPdf } from '../lien-waiver-pdf';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { parseFilter, routeId } from './list-helpers';

/**
 * The dealer's lien waivers (per payment or job), one waiver with its downloads, the PDF
 * (every download audited: who received which), and the form the dealer uses per state.
 */
export function lienWaiverRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/lien-waivers', async (req, res) => {
    const params = listParams(req, { sort: { field: 'created_at', order: 'DESC' } });
    const filter = parseFilter(lienWaiverFilter, params.filter);
    const { rows, total } = await operatorLienWaivers(db, operatorOf(req).dealerId, {
      paymentId: filter.payment_id, jobId: filter.job_id, customerAccountId: filter.customer_account_id, kind: filter.kind, status: filter.status,
    }, params);
    sendList(res, 'lien-waivers', rows.map(lienWaiverRecord), params.range, total);
  });

  router.get('/lien-waivers/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const waiver = await operatorLienWaiver(db, dealerId, routeId(req.params.id, 'Lien waiver'));
    if (!waiver) throw notFound('Lien waiver');
    const downloads = await lienWaiverDownloads(db, dealerId, waiver.id);
    res.json({ ...lienWaiverRecord(waiver), downloads: downloads.map((download) => ({ ...download, at: new Date(download.at).toISOString() })) });
  });

  router.get('/lien-waivers/:id/pdf', async (req, res) => {
    const operator = operatorOf(req);
    const waiver = await operatorLienWaiver(db, operator.dealerId, routeId(req.params.id, 'Lien waiver'));
    if (!waiver) throw notFound('Lien waiver');
    const pdf = await renderLienWaiverPdf(waiver);
    await recordLienWaiverDownload(db, waiver, { kind: 'operator', id: operator.id, email: operator.email });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${lienWaiverFileName(waiver)}"`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(pdf);
  });

  router.get('/settings/lien-waivers', async (req, res) => {
    res.json({ id: 'lien-waivers', default_form: DEFAULT_LIEN_WAIVER_FORM, forms: await lienWaiverForms(db, operatorOf(req).dealerId) });
  });

  router.put('/settings/lien-waivers', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    const change = body(req, lienWaiverFormsBody);
    const forms = await replaceLienWaiverForms(db, { dealerId: operator.dealerId, operatorId: operator.id }, change.forms);
    res.json({ id: 'lien-waivers', default_form: DEFAULT_LIEN_WAIVER_FORM, forms });
  });

  return router;
}

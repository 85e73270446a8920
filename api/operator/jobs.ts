import { Router } from 'express';
import { refreshDealerAccountStats } from '../../db/account-stats';
import { jobById, lienDeadlineOverrides, listJobs, replaceLienDeadlineOverrides, type JobRow } from '../../db/jobs';
import { dealerToday } from '../../db/list-query';
import { LIEN_RULES, jobLienDeadlines, type LienRuleOverride } from '../../domain/lien-deadlines';
import { jobFilter, lienDeadlineOverridesBody, type JobRow as JobRecord, type LienDeadlineSettings } from '../../contracts/operator/jobs';
import { operatorOf } from '../auth/context';
import { requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { notFound } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { asArray, parseFilter, routeId } from './list-helpers';

/**
 * Jobs with their lien deadlines, counted in the dealer's own days, and Settings → Lien
 * deadlines: the default days per state and the dealer's overrides (admins, audited).
 */
export function jobRoutes({ db }: AppDeps): Router {
  const router = Router();

  router.get('/jobs', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const params = listParams(req, { sort: { field: 'name', order: 'ASC' } });
    const filter = parseFilter(jobFilter, params.filter);
    const [{ rows, total }, overrides, today] = await Promise.all([
      listJobs(db, dealerId, { customerAccountId: filter.customer_account_id, ids: filter.id ? asArray(filter.id) : undefined }, params),
      lienDeadlineOverrides(db, dealerId),
      dealerToday(db, dealerId),
    ]);
    sendList(res, 'jobs', rows.map((row) => jobRecord(row, overrides, today)), params.range, total);
  });

  router.get('/jobs/:id', async (req, res) => {
    const { dealerId } = operatorOf(req);
    const job = await jobById(db, dealerId, routeId(req.params.id, 'Job'));
    if (!job) throw notFound('Job');
    const [overrides, today] = await Promise.all([lienDeadlineOverrides(db, dealerId), dealerToday(db, dealerId)]);
    res.json(jobRecord(job, overrides, today));
  });

  router.get('/settings/lien-deadlines', async (req, res) => {
    res.json(lienDeadlineSettings(await lienDeadlineOverrides(db, operatorOf(req).dealerId)));
  });

  router.put('/settings/lien-deadlines', requireRole('admin'), async (req, res) => {
    const operator = operatorOf(req);
    const change = body(req, lienDeadlineOverridesBody);
    const overrides = await replaceLienDeadlineOverrides(db, { dealerId: operator.dealerId, operatorId: operator.id }, change.overrides.map((entry) => ({
      state: entry.state, preliminaryNoticeDays: entry.preliminary_notice_days, lienFilingDays: entry.lien_filing_days,
    })));
    // The nearest lien deadline is part of every account's priority and of the dashboard filter.
    await refreshDealerAccountStats(db, operator.dealerId);
    res.json(lienDeadlineSettings(overrides));
  });

  return router;
}

function jobRecord(job: JobRow, overrides: LienRuleOverride[], today: string): JobRecord {
  const deadlines = jobLienDeadlines({
    jobState: job.job_state, accountState: job.account_state, firstDeliveryDate: job.first_delivery_date, lastDeliveryDate: job.last_delivery_date,
  }, overrides, today);
  return {
    id: job.id,
    erp_job_id: job.erp_job_id,
    name: job.name,
    status: job.status,
    customer_account_id: job.customer_account_id,
    customer_name: job.customer_name,
    state: deadlines.state,
    state_source: deadlines.stateSource,
    first_delivery_date: job.first_delivery_date,
    last_delivery_date: job.last_delivery_date,
    open_cents: Number(job.open_cents),
    open_invoice_count: job.open_invoice_count,
    rule_source: deadlines.ruleSource,
    preliminary_notice_days: deadlines.rule?.preliminaryNoticeDays ?? null,
    lien_filing_days: deadlines.rule?.lienFilingDays ?? null,
    preliminary_notice_due: deadlines.preliminaryNotice?.due ?? null,
    preliminary_notice_days_left: deadlines.preliminaryNotice?.daysLeft ?? null,
    lien_filing_due: deadlines.lienFiling?.due ?? null,
    lien_filing_days_left: deadlines.lienFiling?.daysLeft ?? null,
    today,
  };
}

function lienDeadlineSettings(overrides: LienRuleOverride[]): LienDeadlineSettings {
  const states = [...new Set([...Object.keys(LIEN_RULES), ...overrides.map((entry) => entry.state)])].sort();
  return {
    id: 'lien-deadlines',
    states: states.map((state) => {
      const fallback = LIEN_RULES[state];
      const override = overrides.find((entry) => entry.state === state);
      const rule = override ?? fallback!;
      return {
        state,
        preliminary_notice_days: rule.preliminaryNoticeDays,
        lien_filing_days: rule.lienFilingDays,
        source: override ? 'override' : 'default',
        default: fallback ? { preliminary_notice_days: fallback.preliminaryNoticeDays, lien_filing_days: fallback.lienFilingDays } : null,
      };
    }),
  };
}

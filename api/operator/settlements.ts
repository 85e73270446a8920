import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import { finishPostingRun, claimPostingRun } from '../../db/gl-posting';
import { markCategoryPosted, resolveSettlement } from '../../db/settlements';
import { closeSettlementEarly } from '../../services/settlement-close';
import { autoPostBody, markPostedBody } from '../../contracts/operator/settlements';
import { SETTLEMENT_CATEGORIES } from '../../domain/settlement';
import { startGlPosting } from '../../workflows/gl-posting-client';
import {
  DEFAULT_GL_BATCH_SIZE, DEFAULT_GL_LANES, DEFAULT_GL_MAX_RETRY_DELAY_MS, glPostingWorkflowId, postingChangedSignal, settlementResolvedSignal,
  type GlPostingInput,
} from '../../workflows/settlement-definitions';
import { operatorOf } from '../auth/context';
import type { AppDeps } from '../deps';
import { HttpError } from '../errors';
import { listParams, sendList } from '../simple-rest';
import { body } from '../validate';
import { routeId } from './list-helpers';
import { listSettlementLines, listSettlements, postingProgress, settlementDetail } from './settlement-query';

/**
 * The Settlements tab: list and detail (ra-data-simple-rest), close early, the posting wizard
 * (auto-post and its progress, manual "mark posted" per category) and Resolve. Every change
 * is made in one transaction with its audit entry, then the settlement workflow is told.
 */
export function settlementRoutes(deps: AppDeps): Router {
  const { db } = deps;
  const router = Router();

  /** Signals the workflow when it runs; the database already holds the change either way. */
  const tell = async (workflowId: string, send: (handle: ReturnType<typeof deps.temporal.workflow.getHandle>) => Promise<void>) => {
    await send(deps.temporal.workflow.getHandle(workflowId)).catch((error) => {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    });
  };

  router.get('/settlements', async (req, res) => {
    const params = listParams(req);
    const { rows, total } = await listSettlements(db, operatorOf(req).dealerId, params);
    sendList(res, 'settlements', rows, params.range, total);
  });

  router.get('/settlements/:id', async (req, res) => {
    res.json(await settlementDetail(db, operatorOf(req).dealerId, routeId(req.params.id, 'Settlement')));
  });

  router.get('/settlements/:id/lines', async (req, res) => {
    const params = listParams(req, { pageSize: 100 });
    const { rows, total } = await listSettlementLines(db, operatorOf(req).dealerId, routeId(req.params.id, 'Settlement'), params);
    sendList(res, 'lines', rows, params.range, total);
  });

  router.post('/settlements/:id/close', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Settlement');
    await closeSettlementEarly(deps, { settlementId: id, dealerId: operator.dealerId, actor: { kind: 'operator', id: operator.id } });
    res.json(await settlementDetail(db, operator.dealerId, id));
  });

  router.post('/settlements/:id/categories/:category/mark-posted', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Settlement');
    const category = z.enum(SETTLEMENT_CATEGORIES).safeParse(req.params.category);
    if (!category.success) throw new HttpError(404, 'unknown_category', `There is no category "${req.params.category}"; use ${SETTLEMENT_CATEGORIES.join(', ')}.`);
    const { postedAt } = body(req, markPostedBody);
    const at = postedAt ? new Date(postedAt) : new Date();
    // A little clock skew is fine; a posting dated tomorrow is a typo.
    if (at.getTime() > Date.now() + 5 * 60_000) throw new HttpError(400, 'posted_at_in_future', 'The posted time cannot be in the future.');
    const { settlement } = await db.transaction((trx) => markCategoryPosted(trx, {
      settlementId: id, dealerId: operator.dealerId, category: category.data, postedAt: at, operatorId: operator.id,
    }));
    await tell(settlement.workflow_id, (handle) => handle.signal(postingChangedSignal, { notifyPayments: true }));
    res.json(await settlementDetail(db, operator.dealerId, id));
  });

  router.post('/settlements/:id/resolve', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Settlement');
    const settlement = await db.transaction((trx) => resolveSettlement(trx, { settlementId: id, dealerId: operator.dealerId, operatorId: operator.id, now: new Date() }));
    await tell(settlement.workflow_id, (handle) => handle.signal(settlementResolvedSignal, { actorId: operator.id }));
    res.json(await settlementDetail(db, operator.dealerId, id));
  });

  router.post('/settlements/:id/auto-post', async (req, res) => {
    const operator = operatorOf(req);
    const id = routeId(req.params.id, 'Settlement');
    const { retryRejected } = body(req, autoPostBody);
    const workflowId = glPostingWorkflowId(id);
    const claim = await db.transaction((trx) => claimPostingRun(trx, {
      settlementId: id, dealerId: operator.dealerId, operatorId: operator.id, workflowId, retryRejected: retryRejected ?? false,
    }));
    if (claim.nothingToPost) {
      res.status(200).json({ started: false, reason: 'nothing_to_post', progress: await postingProgress(db, operator.dealerId, id) });
      return;
    }
    const input: GlPostingInput = { settlementId: id, startedBy: operator.id, batchSize: DEFAULT_GL_BATCH_SIZE, lanes: DEFAULT_GL_LANES, maxRetryDelayMs: DEFAULT_GL_MAX_RETRY_DELAY_MS };
    try {
      // A second click (or a retried request) joins the running workflow instead of starting
      // another; a finished run may be followed by a new one for lines still to post.
      await startGlPosting(deps.temporal, deps.config.TASK_QUEUE, input);
    } catch (error) {
      if (!claim.alreadyRunning) await finishPostingRun(db, id, 'failed', 'Could not start the posting workflow; try again.');
      throw error;
    }
    res.status(202).json({ started: !claim.alreadyRunning, workflowId, progress: await postingProgress(db, operator.dealerId, id) });
  });

  router.get('/settlements/:id/posting-progress', async (req, res) => {
    res.json(await postingProgress(db, operatorOf(req).dealerId, routeId(req.params.id, 'Settlement')));
  });

  return router;
}

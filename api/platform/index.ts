import { Router } from 'express';
import { dealerRouteParams, onboardDealerBody } from '../../contracts/platform/dealers';
import { createMoovClient } from '../../integrations/moov';
import { onboardDealer, onboardedDealer } from '../../services/dealer-onboarding';
import { platformAdminOf } from '../auth/platform-admin';
import type { AppDeps } from '../deps';
import { body, parse } from '../validate';

/**
 * The platform admin API (/api/platform, docs/onboarding.md): onboard a dealer and read back
 * what onboarding left. The same service as `npm run dealer -- create`.
 */
export function platformRoutes({ db, temporal, config }: AppDeps): Router {
  const router = Router();
  const moov = createMoovClient(config);

  router.post('/dealers', async (req, res) => {
    const input = body(req, onboardDealerBody);
    const answer = await onboardDealer({ db, config, moov, temporal }, platformAdminOf(req), input);
    res.status(answer.outcome === 'created' ? 201 : 200).json(answer);
  });

  router.get('/dealers/:slug', async (req, res) => {
    const { slug } = parse(dealerRouteParams, { slug: req.params.slug }, 'invalid_slug');
    res.json(await onboardedDealer(db, slug));
  });

  return router;
}

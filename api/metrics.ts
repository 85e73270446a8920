import { Router, type NextFunction, type Request, type Response } from 'express';
import { operationalReadings } from '../db/operational-metrics';
import { httpRequestDuration, metricsRegistry, registerOperationalGauges } from '../runtime/metrics';
import { routeTemplate } from '../runtime/route-template';
import type { AppDeps } from './deps';
import { unauthorized } from './errors';
import { safeEqual } from './auth/tokens';

/**
 * Times every request under its route template (`/api/operator/payments/:id`, never the id
 * itself, so series stay few); a request no route answered is `unmatched`.
 */
export function recordHttpMetrics(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    const route = routeTemplate(req) ?? 'unmatched';
    end({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
}

/** `GET /metrics` in Prometheus's text format; behind `METRICS_TOKEN` (a bearer token) when one is set. */
export function metricsRoutes({ db, config }: AppDeps): Router {
  registerOperationalGauges(() => operationalReadings(db));
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (config.METRICS_TOKEN && !safeEqual(req.get('authorization') ?? '', `Bearer ${config.METRICS_TOKEN}`)) throw unauthorized('Send the metrics token as a bearer token.');
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}

import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import path from 'node:path';
import { contentSecurityDirectives } from './provider-browser';
import { operatorAuthRoutes } from './auth/operator-routes';
import { authRateLimit, memoryRateLimitStore, postgresRateLimitStore } from './auth/rate-limit';
import { corsForDevOrigins } from './cors';
import { portalAuthRoutes } from './auth/portal-routes';
import { requireApiKey } from './auth/api-key';
import { requireCustomer, requireOperator } from './auth/middleware';
import type { AppDeps } from './deps';
import { errorHandler, notFound } from './errors';
import { healthRoutes } from './health';
import { metricsRoutes, recordHttpMetrics } from './metrics';
import { openApiRoutes } from './openapi';
import { refuseNulCharacters } from './nul-characters';
import { operatorRoutes } from './operator';
import { operatorSetPasswordRoutes } from './operator/set-password';
import { requirePlatformAdmin } from './auth/platform-admin';
import { platformRoutes } from './platform';
import { portalRoutes } from './portal';
import { publicApiRoutes } from './v1';
import { INGESTION_UPLOAD_PATH } from './v1/ingestion';
import { requestContext } from './request-context';
import { staticApp } from './static-apps';
import { projectRoot } from '../runtime/project-root';
import { webhookRoutes } from './webhooks';

/**
 * The Express app, separate from the process that listens so tests drive it with supertest.
 * Layout: /healthz /readyz; /webhooks/* (raw bodies, signature-checked); /api/operator/*
 * (react-admin resources, dealer-scoped); /api/portal/* (customer-scoped); /api/v1/* (dealers'
 * own systems, API keys, docs/api-v1.md); /api/platform/* (platform administrators, a bearer
 * token: dealer onboarding, docs/onboarding.md); /api/openapi.json
 * and /api/docs describe them (public); /admin and /portal serve the built UIs.
 */
/** `TRUST_PROXY` as Express reads it: a hop count, true/false, or addresses and subnets (loopback, 10.0.0.0/8, …). */
export function trustProxySetting(value: string): number | boolean | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  const secureCookies = deps.config.PUBLIC_URL.startsWith('https://');
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.config.TRUST_PROXY));
  app.use(requestContext);
  app.use(recordHttpMetrics);
  // JSON lists and the console's bundle shrink several-fold; webhooks and SSE-free APIs lose nothing.
  app.use(compression());
  app.use(
    helmet({
      // The portal loads Moov's Drops and Plaid Link from the configured origins and nothing else (api/provider-browser.ts).
      contentSecurityPolicy: { directives: contentSecurityDirectives(deps.config) },
    }),
  );
  app.use(healthRoutes(deps));
  app.use(metricsRoutes(deps));
  app.use('/api', corsForDevOrigins(deps.config.CORS_ORIGINS));
  app.use('/api', openApiRoutes());
  app.use('/webhooks', webhookRoutes(deps));
  app.use(cookieParser());
  // A JSON ingestion batch is parsed by its own route, after the API key, with a larger limit.
  const json = express.json({ limit: '1mb' });
  app.use((req, res, next) => (req.method === 'POST' && req.path === INGESTION_UPLOAD_PATH ? next() : json(req, res, next)));
  app.use(refuseNulCharacters);

  const rateLimitStore = deps.config.RATE_LIMIT_STORE === 'postgres' ? postgresRateLimitStore(deps.db) : memoryRateLimitStore();
  app.use(authRateLimit({ limit: deps.config.AUTH_RATE_LIMIT_PER_IP, windowMs: deps.config.AUTH_RATE_LIMIT_WINDOW_MS, store: rateLimitStore }));
  app.use('/api/operator', operatorAuthRoutes(deps.db, secureCookies));
  app.use('/api/operator', operatorSetPasswordRoutes(deps));
  app.use('/api/operator', requireOperator(deps.db), operatorRoutes(deps));
  app.use('/api/portal', portalRoutes.public(deps, secureCookies));
  app.use('/api/portal', portalAuthRoutes(deps.db, secureCookies));
  app.use('/api/portal', requireCustomer(deps.db), portalRoutes.authenticated(deps));
  app.use('/api/v1', requireApiKey(deps.db, { limit: deps.config.API_RATE_LIMIT_PER_KEY, windowMs: deps.config.API_RATE_LIMIT_WINDOW_MS, store: rateLimitStore }), publicApiRoutes(deps));
  app.use('/api/platform', requirePlatformAdmin(deps.config), platformRoutes(deps));
  app.use('/api', (_req, _res, next) => next(notFound('Endpoint')));

  const root = projectRoot(__dirname);
  app.use('/admin', staticApp(path.join(root, 'admin/dist'), 'The operator console'));
  app.use('/portal', staticApp(path.join(root, 'portal/dist'), 'The Payments portal'));
  app.get('/', (_req, res) => res.redirect('/admin/'));

  app.use(errorHandler);
  return app;
}

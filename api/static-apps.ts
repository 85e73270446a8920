import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { notFound } from './errors';

/** A year: Vite names every asset by its content hash, so a changed file is a new URL. */
const HASHED_ASSET_MAX_AGE_S = 365 * 24 * 60 * 60;

/**
 * Serves a built single-page app (admin console or portal) with history-API fallback. Source
 * maps are built (hidden, for reading error reports) but never served: they would publish
 * the source.
 */
export function staticApp(distDir: string, title: string): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');
  router.use((req, _res, next) => next(req.path.endsWith('.map') ? notFound('File') : undefined));
  router.use('/assets', express.static(path.join(distDir, 'assets'), {
    index: false, setHeaders: (res) => res.setHeader('Cache-Control', `public, max-age=${HASHED_ASSET_MAX_AGE_S}, immutable`),
  }), (_req, _res, next) => next(notFound('File')));
  router.use(express.static(distDir, { index: false, maxAge: '1h' }));
  router.use((req, res, next) => {
    if (req.method !== 'GET') return next();
    if (!existsSync(index)) {
      res.status(503).type('text').send(`${title} is not built yet: run npm run build:ui`);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

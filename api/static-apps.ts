import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Serves a built single-page app (admin console or portal) with history-API fallback. */
export function staticApp(distDir: string, title: string): Router {
  const router = Router();
  const index = path.join(distDir, 'index.html');
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

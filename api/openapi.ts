import { Router } from 'express';
import { openApiDocument } from '../contracts/openapi';
import { renderApiReference } from './api-reference-page';

/**
 * The API's own description, public like any reference: the OpenAPI 3.1 document generated
 * from contracts/ and a page that renders it. Both are built once, at start-up: they change
 * only with the code.
 */
export function openApiRoutes(): Router {
  const router = Router();
  const document = openApiDocument({ version: process.env.npm_package_version });
  const page = renderApiReference(document);

  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });

  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });

  return router;
}

import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { logger } from '../runtime/logger';

/** Gives every request an id (echoed in `X-Request-Id`) and logs one structured line per request. */
export const requestContext: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const requestId = incoming && /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  req.requestId = requestId;
  res.setHeader('X-Request-Id', requestId);
  const started = process.hrtime.bigint();
  // Read now: by `finish` a router has cut its mount point off req.path ("/register" for
  // "/api/portal/register"). req.path never carries the query string, where tokens can travel.
  const path = req.path;
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const level = res.statusCode >= 500 ? 'error' : 'info';
    logger[level]({ requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, operator: req.operator?.id, customer: req.customer?.id, apiKey: req.apiClient?.prefix }, 'request');
  });
  next();
};

import express, { type RequestHandler } from 'express';
import type { Logger } from '../../runtime/logger';

/**
 * The raw body a webhook signature is computed over, capped at `limit`. A body over the cap is
 * refused here, before anything reads it whole, with 413 `payload_too_large` and a log line
 * naming the provider: the app's generic error handler would answer the same status silently.
 */
export function webhookRawBody(limit: string, log: Logger, provider: string): RequestHandler {
  const read = express.raw({ type: () => true, limit });
  return (req, res, next) =>
    read(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type !== 'entity.too.large') {
        next(error);
        return;
      }
      log.warn({ requestId: req.requestId, status: 413, code: 'payload_too_large', length: req.get('content-length'), limit }, `${provider} webhook refused: body over ${limit}`);
      res.status(413).json({ error: { code: 'payload_too_large', message: `A ${provider} webhook body may not exceed ${limit}.` } });
    });
}

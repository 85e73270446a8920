import type { RequestHandler } from 'express';

/**
 * Cross-origin access for the UIs' dev servers (e.g. Vite on :5173 talking to the API on
 * :3000). Only origins listed in CORS_ORIGINS are allowed; credentials are allowed so the
 * session cookie travels, and `Content-Range` is exposed because react-admin reads the list
 * total from it. Production serves the UIs from the API's own origin and lists none.
 */
export function corsForDevOrigins(originsSetting: string): RequestHandler {
  const allowed = new Set(originsSetting.split(',').map((origin) => origin.trim().replace(/\/$/, '')).filter(Boolean));
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, X-Request-Id');
    res.vary('Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-CSRF-Token, X-Request-Id, Idempotency-Key');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

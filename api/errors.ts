import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { isRefusal, type RefusalKind } from '../domain/refusal';
import { logger } from '../runtime/logger';

/**
 * Every refusal the API gives is `{ error: { code, message, details? } }` with a 4xx status:
 * `code` is for programs, `message` for people.
 */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new HttpError(400, code, message, details);
export const unauthorized = (message = 'Sign in to continue.') => new HttpError(401, 'unauthenticated', message);
export const forbidden = (message = 'You do not have permission to do that.', code = 'forbidden') => new HttpError(403, code, message);
export const notFound = (what = 'Resource') => new HttpError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string, details?: unknown) => new HttpError(409, code, message, details);
/** The platform admin API (/api/platform) when PLATFORM_ADMIN_TOKEN is not set: refused whatever is sent. */
export const platformAdminDisabled = () => new HttpError(403, 'platform_admin_disabled', 'The platform admin API is turned off on this server: set PLATFORM_ADMIN_TOKEN to turn it on.');
export const platformTokenMissing = () => new HttpError(401, 'unauthenticated', 'Send the platform admin token as `Authorization: Bearer <token>`.');
export const platformTokenInvalid = () => new HttpError(401, 'invalid_platform_token', 'This is not the platform admin token.');

/**
 * One entry per bad field. A rule of the schema's own (a refinement) may name a code of its
 * own in `params.code` ('duplicate_item'); the entry carries it, and `refusalCode` makes it the
 * refusal's code when every entry agrees.
 */
export function zodDetails(error: ZodError): Array<{ field: string; message: string; code?: string }> {
  return error.issues.map((issue) => {
    const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : undefined;
    return { field: issue.path.join('.') || '(body)', message: issue.message, ...(code ? { code } : {}) };
  });
}

export function refusalCode(details: ReturnType<typeof zodDetails>, fallback: string): string {
  const codes = new Set(details.map((detail) => detail.code));
  const [only] = codes;
  return codes.size === 1 && only ? only : fallback;
}

/** The one place a domain refusal becomes an HTTP status. */
export const REFUSAL_STATUS: Record<RefusalKind, number> = {
  not_found: 404, invalid: 400, conflict: 409, forbidden: 403, unprocessable: 422, unavailable: 503,
};

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (isRefusal(error)) {
    res.status(REFUSAL_STATUS[error.kind]).json({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
    return;
  }
  if (error instanceof HttpError) {
    res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
    return;
  }
  if (error instanceof ZodError) {
    const details = zodDetails(error);
    res.status(400).json({ error: { code: refusalCode(details, 'invalid_request'), message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details } });
    return;
  }
  // body-parser and similar middleware signal client errors with a status/type.
  const status = typeof error?.status === 'number' ? error.status : typeof error?.statusCode === 'number' ? error.statusCode : 500;
  if (status === 413) {
    res.status(413).json({ error: { code: 'payload_too_large', message: 'The request body is larger than this endpoint accepts.' } });
    return;
  }
  if (status >= 400 && status < 500) {
    const code = error?.type === 'entity.parse.failed' ? 'malformed_json' : 'bad_request';
    res.status(status).json({ error: { code, message: code === 'malformed_json' ? 'The request body is not valid JSON.' : String(error?.message ?? 'Bad request') } });
    return;
  }
  if (isDatabaseUnavailable(error)) {
    (req as { log?: typeof logger }).log?.warn({ err: error }, 'database unavailable') ?? logger.warn({ err: error }, 'database unavailable');
    res.status(503).setHeader('Retry-After', '2').json({ error: { code: 'database_unavailable', message: 'The service is briefly overloaded. Try again in a few seconds; a request with the same key is never applied twice.' } });
    return;
  }
  (req as { log?: typeof logger }).log?.error({ err: error }, 'unhandled error') ?? logger.error({ err: error }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side. The request id identifies it in our logs.', requestId: res.getHeader('x-request-id') } });
};

/**
 * PostgreSQL out of connections or not accepting them (too_many_connections, cannot_connect_now,
 * admin shutdown, refused, the pool waiting too long): an outage of a dependency, answered 503
 * so clients and proxies retry, not a defect of the request.
 */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P03', '08001', '08004', '08006']);
function isDatabaseUnavailable(error: unknown): boolean {
  const candidate = error as { code?: string; name?: string } | undefined;
  if (!candidate) return false;
  if (candidate.name === 'KnexTimeoutError') return true;
  return typeof candidate.code === 'string' && (UNAVAILABLE_SQLSTATES.has(candidate.code) || candidate.code === 'ECONNREFUSED');
}

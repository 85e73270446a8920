import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../../db/connection';
import { operatorSession } from '../../db/operators';
import { portalSession } from '../../db/sessions';
import type { CompanyRole } from '../../domain/company-roles';
import { forbidden, HttpError, unauthorized } from '../errors';
import { PORTAL_ACCESS_OFF_MESSAGE } from '../portal/scope';
import type { OperatorContext } from './context';
import { sessionTokenHash, type UserKind } from './sessions';
import { safeEqual } from './tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Marks a middleware with the login it demands, so the route inventory reads the guards off
 * the real middleware chain instead of a list kept by hand.
 */
export const GUARD = Symbol.for('drypowder.guard');
export type GuardTag = { kind: 'operator' | 'customer' | 'api_key' | 'platform_admin' } | { kind: 'role'; roles: readonly string[] };

export function tagged<T extends RequestHandler>(handler: T, tag: GuardTag): T {
  return Object.assign(handler, { [GUARD]: tag });
}

/** Mutating requests must echo the session's CSRF token in `X-CSRF-Token`. */
function checkCsrf(req: Request, expected: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const given = req.get('x-csrf-token');
  if (!given || !safeEqual(given, expected)) throw new HttpError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header; reload the page and try again.');
}

interface LoadedSession {
  csrf_token: string;
  expires_at: Date;
  user: unknown;
}

/** The session behind the cookie, its user and all the route needs from it, read by `load` in one statement. */
function requireSession<S extends LoadedSession>(kind: UserKind, load: (tokenHash: string) => Promise<S | undefined>, attach: (req: Request, session: S & { user: NonNullable<S['user']> }) => void): RequestHandler {
  return tagged(async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const tokenHash = sessionTokenHash(req, kind);
      const session = tokenHash ? await load(tokenHash) : undefined;
      if (!session || new Date(session.expires_at).getTime() <= Date.now()) throw unauthorized();
      if (!session.user) throw unauthorized('Your account is disabled or no longer exists.');
      attach(req, session as S & { user: NonNullable<S['user']> });
      req.csrfToken = session.csrf_token;
      checkCsrf(req, session.csrf_token);
      next();
    } catch (error) {
      next(error);
    }
  }, { kind });
}

export function requireOperator(db: Db): RequestHandler {
  return requireSession('operator', (tokenHash) => operatorSession(db, tokenHash), (req, { user }) => {
    req.operator = { id: user.id, dealerId: user.dealer_id, role: user.role, email: user.email, name: user.name };
  });
}

export function requireCustomer(db: Db): RequestHandler {
  return requireSession('customer', (tokenHash) => portalSession(db, tokenHash), (req, session) => {
    const { user } = session;
    // Checked on every request so that turning access off ends sessions already open.
    if (session.any_disabled && !session.any_reachable) throw new HttpError(401, 'portal_access_disabled', PORTAL_ACCESS_OFF_MESSAGE);
    req.customer = { id: user.id, companyId: user.company_id, email: user.email, name: user.name, role: user.role, jobIds: session.job_ids, reach: session.reach };
  });
}

/** Role checks live in the API, not only in the UI. */
export function requireRole(...roles: OperatorContext['role'][]): RequestHandler {
  return tagged((req, _res, next) => {
    if (!req.operator) return next(unauthorized());
    if (!roles.includes(req.operator.role)) return next(forbidden(`This action needs the ${roles.join(' or ')} role.`, 'role_required'));
    next();
  }, { kind: 'role', roles });
}

/** Company-side role checks for the portal (docs/company-roles.md), in the API as well as the UI. */
export function requireCompanyRole(...roles: CompanyRole[]): RequestHandler {
  return tagged((req, _res, next) => {
    if (!req.customer) return next(unauthorized());
    if (!roles.includes(req.customer.role)) return next(forbidden(`This needs the ${roles.join(' or ')} role in your company.`, 'company_role_required'));
    next();
  }, { kind: 'role', roles: roles.map((role) => `company:${role}`) });
}

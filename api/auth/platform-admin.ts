import type { Request, RequestHandler } from 'express';
import type { Config } from '../../runtime/config';
import { platformAdminDisabled, platformTokenInvalid, platformTokenMissing } from '../errors';
import { tagged } from './middleware';
import { hashToken, safeEqual } from './tokens';

/**
 * The platform administrators' login for /api/platform (docs/onboarding.md):
 * `Authorization: Bearer <PLATFORM_ADMIN_TOKEN>`. A separate role no dealer operator holds: an
 * operator's session or a dealer's API key is not it. With no token configured the API is off
 * and refuses every request.
 */
export interface PlatformAdminContext {
  /** What the audit log names as the actor. */
  id: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    platformAdmin?: PlatformAdminContext;
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export const platformAdminOf = (req: Request): PlatformAdminContext => {
  if (!req.platformAdmin) throw platformTokenMissing();
  return req.platformAdmin;
};

export function requirePlatformAdmin(config: Pick<Config, 'PLATFORM_ADMIN_TOKEN'>): RequestHandler {
  return tagged((req, _res, next) => {
    const expected = config.PLATFORM_ADMIN_TOKEN;
    if (!expected) return next(platformAdminDisabled());
    const header = req.get('authorization');
    if (!header) return next(platformTokenMissing());
    const token = BEARER.exec(header)?.[1];
    // Compared as hashes: equal lengths, and the time taken says nothing about the token.
    if (!token || !safeEqual(hashToken(token), hashToken(expected))) return next(platformTokenInvalid());
    req.platformAdmin = { id: 'api:platform-token' };
    next();
  }, { kind: 'platform_admin' });
}

import type { NextFunction, Request, Response } from 'express';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { MoovHttpError } from './core';

/**
 * How callers prove who they are, as at Moov: servers send HTTP Basic with the public key as
 * user and the secret key as password; browsers send a short-lived Bearer token the server
 * minted at POST /oauth2/token for a few scopes (e.g. `/accounts/{id}/cards.write`), so a card
 * can be linked straight from the customer's browser without the API keys or Drypowder's
 * servers ever touching the card number. Tokens are signed, not stored, so they survive a
 * restart until they expire.
 */
export interface ApiKeys {
  publicKey: string;
  secretKey: string;
}

export type Caller = { kind: 'key' } | { kind: 'token'; scopes: Set<string> };

const SCOPE_PATTERN = /^\/accounts\/[^/\s]+\/(cards|payment-methods|bank-accounts|profile|transfers)\.(read|write)$|^\/accounts\.(read|write)$|^\/ping\.read$/;

const sameText = (a: string, b: string) => {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
};

export class TokenAuthority {
  private readonly signingKey: Buffer;

  constructor(
    private readonly keys: ApiKeys,
    private readonly ttlSeconds: number,
  ) {
    this.signingKey = createHash('sha256').update(`moov-emulator-access-tokens|${keys.secretKey}`).digest();
  }

  keysMatch(publicKey: string, secretKey: string): boolean {
    return sameText(publicKey, this.keys.publicKey) && sameText(secretKey, this.keys.secretKey);
  }

  mint(scope: string, nowMs: number) {
    const scopes = scope.split(/\s+/).filter(Boolean);
    const unsupported = scopes.filter((s) => !SCOPE_PATTERN.test(s));
    if (scopes.length === 0 || unsupported.length > 0) {
      throw new MoovHttpError(422, { scope: `unsupported scope: ${unsupported.join(' ') || '(empty)'}` });
    }
    const payload = Buffer.from(JSON.stringify({ scope: scopes.join(' '), exp: Math.floor(nowMs / 1000) + this.ttlSeconds, jti: randomUUID() })).toString('base64url');
    return {
      token_type: 'Bearer' as const,
      access_token: `${payload}.${this.sign(payload)}`,
      // Refreshing is not modelled: a browser asks our server for a new token instead.
      refresh_token: `refresh-not-supported-${randomUUID()}`,
      expires_in: this.ttlSeconds,
      scope: scopes.join(' '),
    };
  }

  verify(token: string, nowMs: number): Set<string> {
    const [payload = '', signature = ''] = token.split('.');
    if (!payload || !sameText(signature, this.sign(payload))) throw new MoovHttpError(401, { error: 'invalid access token' });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope: string; exp: number };
    if (claims.exp * 1000 <= nowMs) throw new MoovHttpError(401, { error: 'access token expired' });
    return new Set(claims.scope.split(' '));
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.signingKey).update(payload).digest('base64url');
  }
}

export function authenticate(req: Request, authority: TokenAuthority): Caller {
  const header = req.get('authorization') ?? '';
  const [scheme = '', value = ''] = header.split(' ', 2);
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && authority.keysMatch(decoded.slice(0, colon), decoded.slice(colon + 1))) return { kind: 'key' };
    throw new MoovHttpError(401, { error: 'invalid API key' });
  }
  if (/^bearer$/i.test(scheme) && value) return { kind: 'token', scopes: authority.verify(value, Date.now()) };
  throw new MoovHttpError(401, { error: 'missing credentials: use HTTP Basic with your API keys or a Bearer access token' });
}

/** API keys may do anything; a token only what its scopes name. */
export function requireScope(caller: Caller, scope: string | null): void {
  if (caller.kind === 'key') return;
  if (scope === null || !caller.scopes.has(scope)) throw new MoovHttpError(403, { error: `access token lacks scope ${scope ?? '(API keys required)'}` });
}

/** Browsers call the card endpoints directly, so every route answers CORS preflights. */
export function cors(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', req.get('origin') ?? '*');
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Methods', 'GET,POST,PATCH,PUT,DELETE,OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization,Content-Type,X-Moov-Version,X-Wait-For,X-Idempotency-Key');
  res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id');
  res.setHeader('Access-Control-Max-Age', '600');
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
}

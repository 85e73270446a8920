import { createHash, createPublicKey, timingSafeEqual, verify, type JsonWebKey } from 'node:crypto';
import type { WebhookVerificationKey } from './plaid';

/**
 * Checking a Plaid webhook as Plaid documents it: the `Plaid-Verification` header is an ES256
 * JWT; its header names the signing key (`kid`), which is fetched from Plaid (and cached); its
 * signature must verify under that key; it must be at most five minutes old; and its
 * `request_body_sha256` must be the SHA-256 of the exact bytes received. Nothing in the token
 * is believed before the signature holds, except the key id used to find the key.
 */
export const PLAID_WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

export type PlaidWebhookRefusal = 'missing-signature' | 'malformed-signature' | 'unsupported-algorithm' | 'unknown-key' | 'expired-key' | 'bad-signature' | 'stale' | 'body-mismatch';
export type PlaidWebhookVerification = { valid: true } | { valid: false; reason: PlaidWebhookRefusal };

const refuse = (reason: PlaidWebhookRefusal): PlaidWebhookVerification => ({ valid: false, reason });

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function verifyPlaidWebhook(
  body: Buffer,
  header: string | undefined,
  keyFor: (keyId: string) => Promise<WebhookVerificationKey | null>,
  nowMs: number,
): Promise<PlaidWebhookVerification> {
  if (!header) return refuse('missing-signature');
  const parts = header.split('.');
  if (parts.length !== 3 || parts.some((part) => part === '')) return refuse('malformed-signature');
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [string, string, string];
  const jwtHeader = decodeJson(encodedHeader);
  if (!jwtHeader) return refuse('malformed-signature');
  if (jwtHeader.alg !== 'ES256') return refuse('unsupported-algorithm');
  if (typeof jwtHeader.kid !== 'string' || jwtHeader.kid === '') return refuse('malformed-signature');
  const key = await keyFor(jwtHeader.kid);
  if (!key) return refuse('unknown-key');
  if (key.expiredAt !== null && key.expiredAt * 1000 <= nowMs) return refuse('expired-key');

  let signatureHolds = false;
  try {
    const publicKey = createPublicKey({ key: { kty: key.jwk.kty, crv: key.jwk.crv, x: key.jwk.x, y: key.jwk.y } as JsonWebKey, format: 'jwk' });
    signatureHolds = verify('sha256', Buffer.from(`${encodedHeader}.${encodedClaims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(encodedSignature, 'base64url'));
  } catch {
    signatureHolds = false;
  }
  if (!signatureHolds) return refuse('bad-signature');

  const claims = decodeJson(encodedClaims);
  if (!claims || typeof claims.iat !== 'number' || typeof claims.request_body_sha256 !== 'string') return refuse('malformed-signature');
  if (Math.abs(nowMs - claims.iat * 1000) > PLAID_WEBHOOK_MAX_AGE_MS) return refuse('stale');
  const actual = createHash('sha256').update(body).digest();
  const claimed = Buffer.from(claims.request_body_sha256, 'hex');
  if (claimed.length !== actual.length || !timingSafeEqual(claimed, actual)) return refuse('body-mismatch');
  return { valid: true };
}

/** Keys by id, fetched once each; an unknown id is asked for again (Plaid rotates keys), a refused one remembered briefly. */
export function cachedVerificationKeys(fetchKey: (keyId: string) => Promise<WebhookVerificationKey | null>, refusedForMs = 60_000) {
  const known = new Map<string, WebhookVerificationKey>();
  const refused = new Map<string, number>();
  return async (keyId: string): Promise<WebhookVerificationKey | null> => {
    const cached = known.get(keyId);
    if (cached) return cached;
    if ((refused.get(keyId) ?? 0) > Date.now()) return null;
    const key = await fetchKey(keyId);
    if (key) known.set(keyId, key);
    else refused.set(keyId, Date.now() + refusedForMs);
    return key;
  };
}

export interface PlaidItemWebhook {
  webhookType: string;
  webhookCode: string;
  itemId: string;
}

/** The fields every Plaid webhook carries; null when the body is not one. */
export function parsePlaidWebhook(body: Buffer): PlaidItemWebhook | null {
  try {
    const value = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof value.webhook_type !== 'string' || typeof value.webhook_code !== 'string' || typeof value.item_id !== 'string') return null;
    return { webhookType: value.webhook_type, webhookCode: value.webhook_code, itemId: value.item_id };
  } catch {
    return null;
  }
}

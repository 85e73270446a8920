import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a dealer's endpoint knows a delivery came from us (docs/webhooks.md): an HMAC-SHA256,
 * keyed by the endpoint's secret, over `<timestamp>.<raw body>`, sent as
 * `Drypowder-Signature: t=<timestamp>,v1=<hex>`. The timestamp is inside the signed text so a
 * captured delivery cannot be replayed later under a new time; the receiver refuses old ones.
 * The same function signs here and verifies in the tests and in the documented example.
 */
export const SIGNATURE_HEADER = 'Drypowder-Signature';
export const EVENT_ID_HEADER = 'Drypowder-Event-Id';
export const EVENT_TYPE_HEADER = 'Drypowder-Event-Type';
export const DELIVERY_ID_HEADER = 'Drypowder-Delivery-Id';

/** Receivers should refuse a signature older than this (seconds). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `whsec_` and 32 random bytes: shown once at creation, kept sealed to sign with. */
export function issueWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** What the console shows of a secret it can no longer show: enough to tell two apart. */
export const webhookSecretHint = (secret: string): string => `${secret.slice(0, 10)}…`;

export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${webhookSignature(secret, timestampSeconds, body)}`;
}

export type SignatureCheck = { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'mismatch' | 'too_old' };

/** A receiver's check: the header well-formed, the HMAC equal (in constant time), the timestamp recent. */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string, nowSeconds: number, toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isSafeInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { valid: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { valid: false, reason: 'too_old' };
  return { valid: true, timestamp };
}

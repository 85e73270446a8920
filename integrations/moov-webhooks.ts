import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checking that a webhook came from Moov. Moov signs `X-Timestamp|X-Nonce|X-Webhook-ID` with
 * HMAC-SHA512 under the webhook's signing secret and sends the hex digest as X-Signature. The
 * body is NOT covered by the signature, so a verified event is still only a hint: read the
 * transfer from Moov (MoovClient.getTransfer) before acting on its status. The timestamp
 * check bounds how long a captured request can be replayed.
 */
export type MoovWebhookVerification =
  | { valid: true; webhookId: string; nonce: string; timestamp: Date }
  | { valid: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature' };

export interface MoovWebhookEvent {
  eventId: string;
  type: string;
  createdOn: Date;
  data: Record<string, unknown>;
}

export class MoovWebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoovWebhookPayloadError';
  }
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** How far a request's X-Timestamp may be from our clock; a receiver remembers nonces this long. */
export const MOOV_WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Accepts RFC 3339 timestamps and Unix seconds or milliseconds. */
function parseTimestamp(value: string): Date | undefined {
  if (/^\d+$/.test(value)) {
    const number = Number(value);
    return new Date(number < 1e12 ? number * 1000 : number);
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}

export function signMoovWebhook(secret: string, parts: { timestamp: string; nonce: string; webhookId: string }): string {
  return createHmac('sha512', secret).update(`${parts.timestamp}|${parts.nonce}|${parts.webhookId}`).digest('hex');
}

/**
 * Verifies the signature headers of a Moov webhook request against the signing secret.
 * `now` is a parameter so callers (and tests) decide the clock.
 */
export function verifyMoovWebhook(headers: HeaderSource, secret: string, now: Date | number = Date.now(), options: { toleranceMs?: number } = {}): MoovWebhookVerification {
  const timestamp = header(headers, 'x-timestamp');
  const nonce = header(headers, 'x-nonce');
  const webhookId = header(headers, 'x-webhook-id');
  const signature = header(headers, 'x-signature');
  if (!timestamp || !nonce || !webhookId || !signature || !secret) return { valid: false, reason: 'missing-headers' };

  const expected = Buffer.from(signMoovWebhook(secret, { timestamp, nonce, webhookId }), 'utf8');
  const given = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  // Length first: timingSafeEqual needs equal lengths, and a wrong length reveals nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'bad-signature' };

  const sentAt = parseTimestamp(timestamp);
  if (!sentAt) return { valid: false, reason: 'bad-timestamp' };
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (Math.abs(nowMs - sentAt.getTime()) > (options.toleranceMs ?? MOOV_WEBHOOK_TOLERANCE_MS)) return { valid: false, reason: 'stale' };
  return { valid: true, webhookId, nonce, timestamp: sentAt };
}

/** Parses the raw body of a (verified) webhook; throws MoovWebhookPayloadError when it is not a Moov event. */
export function parseMoovWebhookEvent(body: Buffer | string): MoovWebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new MoovWebhookPayloadError('webhook body is not JSON');
  }
  const event = parsed as { eventID?: unknown; type?: unknown; createdOn?: unknown; data?: unknown };
  if (typeof event.eventID !== 'string' || typeof event.type !== 'string' || typeof event.data !== 'object' || event.data === null) {
    throw new MoovWebhookPayloadError('webhook body lacks eventID, type or data');
  }
  const createdOn = typeof event.createdOn === 'string' ? new Date(event.createdOn) : new Date(Number.NaN);
  if (Number.isNaN(createdOn.getTime())) throw new MoovWebhookPayloadError('webhook createdOn is not a date');
  return { eventId: event.eventID, type: event.type, createdOn, data: event.data as Record<string, unknown> };
}

/** The transfer an event is about (transfer.*, cancellation.*, refund.* events), if any. */
export function transferIdOf(event: MoovWebhookEvent): string | null {
  return typeof event.data.transferID === 'string' ? event.data.transferID : null;
}

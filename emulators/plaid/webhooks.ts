import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey } from 'node:crypto';

/**
 * Plaid's webhooks as Plaid sends them: a JSON POST to the item's webhook URL with a
 * `Plaid-Verification` header, an ES256 JWT whose header names the key id (`kid`) and whose
 * claims are the time (`iat`) and the SHA-256 of the exact body (`request_body_sha256`). The
 * receiver fetches the public key by id at `/webhook_verification_key/get`. The key pair is
 * kept with the emulator's state, so deliveries verify across a restart.
 */
export interface SigningKeyRecord {
  kid: string;
  createdAt: number;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

export function newSigningKey(nowMs: number): SigningKeyRecord {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid: randomUUID(), createdAt: Math.floor(nowMs / 1000), privateJwk: privateKey.export({ format: 'jwk' }), publicJwk: publicKey.export({ format: 'jwk' }) };
}

/** The key as `/webhook_verification_key/get` answers it. */
export function publicKeyView(key: SigningKeyRecord) {
  return { alg: 'ES256', crv: 'P-256', kid: key.kid, kty: 'EC', use: 'sig', x: key.publicJwk.x, y: key.publicJwk.y, created_at: key.createdAt, expired_at: null };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function verificationHeader(key: SigningKeyRecord, body: string, nowMs: number): string {
  const header = base64url(JSON.stringify({ alg: 'ES256', kid: key.kid, typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ iat: Math.floor(nowMs / 1000), request_body_sha256: createHash('sha256').update(body).digest('hex') }));
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: createPrivateKey({ key: key.privateJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${base64url(signature)}`;
}

export interface PlaidWebhookSender {
  send(url: string, payload: Record<string, unknown>): void;
  /** Resolves when no delivery is in flight. */
  idle(): Promise<void>;
  stop(): void;
}

/** Fire and forget with a few retries, as Plaid retries a webhook that did not get a 2xx. */
export function webhookSender(key: () => SigningKeyRecord, retryDelaysMs: number[], onError: (message: string) => void): PlaidWebhookSender {
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const deliver = async (url: string, payload: Record<string, unknown>) => {
    const body = JSON.stringify(payload);
    for (let attempt = 0; attempt <= retryDelaysMs.length && !stopped; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelaysMs[attempt - 1]));
      try {
        const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Plaid-Verification': verificationHeader(key(), body, Date.now()) }, body });
        if (response.ok) return;
        onError(`webhook ${payload.webhook_code} to ${url}: HTTP ${response.status}`);
      } catch (error) {
        onError(`webhook ${payload.webhook_code} to ${url}: ${(error as Error).message}`);
      }
    }
  };
  return {
    send(url, payload) {
      const delivery = deliver(url, payload).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stop() {
      stopped = true;
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';

/**
 * A dealer's API key: `dpk_<prefix>_<secret>`. The prefix (8 hex digits) is public: it finds
 * the key's row and is what the console shows. The secret is 32 random bytes; only a SHA-256
 * of the whole key is stored, which is enough for a key nobody could guess (a slow password
 * hash protects low-entropy secrets, and would cost every request its time).
 */
export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_PATTERN = /^dpk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  prefix: string;
  /** The whole key, shown once. */
  secret: string;
  secretHash: string;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export function issueApiKey(): IssuedApiKey {
  const prefix = randomBytes(4).toString('hex');
  const secret = `dpk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, secret, secretHash: hashApiKey(secret) };
}

/** The prefix of a well-formed key; undefined for anything else. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** What a scope allows: writes need `write`; reads are allowed to both. */
export const scopeAllowsWrite = (scope: ApiKeyScope): boolean => scope === 'write';

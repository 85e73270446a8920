import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Credentials a dealer gives us (its Spruce API key) are kept sealed with AES-256-GCM under a
 * key from the environment, so a copy of the database or a backup does not hand out the keys
 * to dealers' ERPs. A sealed value reads `sealed:v1:<base64 of iv | tag | ciphertext>`; the
 * version leaves room to rotate the scheme. A value without the prefix is a credential stored
 * before sealing existed: it is read as is and sealed by the worker's start-up sweep.
 */

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class CredentialKeyError extends Error {}

/** The 32-byte key, written as 64 hex digits or as base64. */
export function parseDataKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new CredentialKeyError('must be 32 bytes, written as 64 hex digits or base64');
  return key;
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

export function sealCredential(plain: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/** The credential in clear; a value sealed under another key fails loudly rather than being sent to the ERP. */
export function openCredential(stored: string, key: Buffer): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialKeyError('a stored credential does not open with DATA_ENCRYPTION_KEY: it was sealed under another key');
  }
}

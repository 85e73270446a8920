import { createHash, randomBytes } from 'node:crypto';

/**
 * Single-use and session tokens: 32 random bytes, URL-safe, of which only the SHA-256 is ever
 * stored, so a leaked table lets nobody in. Sessions, invitations, password resets, job pay
 * links and first-admin links all use this one scheme.
 */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection';
import { deleteSession, deleteUserSessions, insertSession, type SessionRow, type UserKind } from '../../db/sessions';
import { hashToken, newToken } from './tokens';

export type { SessionRow, UserKind };

/** Operators and customers have separate cookies, so one browser can hold both sessions. */
export const SESSION_COOKIE: Record<UserKind, string> = { operator: 'dp_operator', customer: 'dp_customer' };
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export async function startSession(db: Db, res: Response, kind: UserKind, userId: string, secureCookies: boolean): Promise<{ csrfToken: string }> {
  const { token, hash } = newToken();
  const csrfToken = randomBytes(24).toString('base64url');
  await insertSession(db, { token_hash: hash, user_kind: kind, user_id: userId, csrf_token: csrfToken, expires_at: new Date(Date.now() + SESSION_TTL_MS) });
  res.cookie(SESSION_COOKIE[kind], token, { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', maxAge: SESSION_TTL_MS });
  return { csrfToken };
}

/** The hash of the session token the request's cookie carries, if any: what the session is stored under. */
export function sessionTokenHash(req: Request, kind: UserKind): string | undefined {
  const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE[kind]];
  return token ? hashToken(token) : undefined;
}

export async function endSession(db: Db, req: Request, res: Response, kind: UserKind): Promise<void> {
  const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE[kind]];
  if (token) await deleteSession(db, hashToken(token));
  res.clearCookie(SESSION_COOKIE[kind], { path: '/' });
}

/** After a password change every other session of the user ends. */
export async function endAllSessions(db: Db | Knex.Transaction, kind: UserKind, userId: string): Promise<void> {
  await deleteUserSessions(db, kind, userId);
}

import type { Express } from 'express';
import request from 'supertest';
import type { SignedIn } from './operator';

/**
 * Public API fixtures: a key issued through the console's own route by a signed-in admin, and
 * a client that sends it as a bearer token (and an Idempotency-Key on POSTs when given one).
 */
export interface IssuedKey {
  id: string;
  prefix: string;
  secret: string;
}

export async function issueApiKey(admin: SignedIn, scope: 'read' | 'write', name = `${scope} key`): Promise<IssuedKey> {
  const response = await admin.send('post', '/api/operator/api-keys', { name, scope }).expect(201);
  return { id: response.body.id, prefix: response.body.prefix, secret: response.body.secret };
}

export interface ApiClient {
  get(path: string): request.Test;
  post(path: string, body?: unknown, idempotencyKey?: string): request.Test;
}

export function apiClient(app: Express, secret: string): ApiClient {
  return {
    get: (path) => request(app).get(path).set('Authorization', `Bearer ${secret}`),
    post: (path, body, idempotencyKey) => {
      const test = request(app).post(path).set('Authorization', `Bearer ${secret}`);
      if (idempotencyKey !== undefined) test.set('Idempotency-Key', idempotencyKey);
      return body === undefined ? test : test.send(body as object);
    },
  };
}

/** Every row of a v1 list, page by page, with the pages' `has_more` flags. */
export async function walkList(client: ApiClient, path: string, limit: number): Promise<{ ids: string[]; pages: Array<{ size: number; hasMore: boolean }> }> {
  const ids: string[] = [];
  const pages: Array<{ size: number; hasMore: boolean }> = [];
  let cursor: string | null = null;
  const joiner = path.includes('?') ? '&' : '?';
  for (let page = 0; page < 1000; page += 1) {
    const url: string = `${path}${joiner}limit=${limit}${cursor ? `&starting_after=${encodeURIComponent(cursor)}` : ''}`;
    const response = await client.get(url).expect(200);
    ids.push(...response.body.data.map((row: { id: string }) => row.id));
    pages.push({ size: response.body.data.length, hasMore: response.body.has_more });
    if (!response.body.has_more) return { ids, pages };
    cursor = response.body.next_cursor;
  }
  throw new Error(`${path} did not end after 1000 pages`);
}

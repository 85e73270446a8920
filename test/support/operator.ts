import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { hashPassword } from '../../api/auth/passwords';
import { createApp } from '../../api/app';
import type { Db } from '../../db/connection';
import type { Config } from '../../runtime/config';
import { testConfig } from './config';
import { checkResponsesAgainstContracts } from './contract-check';
import { requiredEnv } from './temporal';

/**
 * Operator-side test fixtures: the real app on the run's database and Temporal dev server,
 * a dealer with operators, and a signed-in supertest agent that carries the session cookie
 * and sends the CSRF token on mutations.
 */

export const OPERATOR_PASSWORD = 'Lumber-yard-2026!';

export interface TestApp {
  app: Express;
  config: Config;
  temporal: Client;
  close(): Promise<void>;
}

export async function startOperatorApp(db: Db, overrides: Parameters<typeof testConfig>[0] = {}): Promise<TestApp> {
  const connection = await Connection.connect({ address: requiredEnv('TEMPORAL_ADDRESS'), connectTimeout: '30s' });
  const temporal = new Client({ connection, namespace: 'default' });
  const config = testConfig(overrides);
  return { app: checkResponsesAgainstContracts(createApp({ db, temporal, config })), config, temporal, close: () => connection.close() };
}

export type ServedApp = TestApp & { baseUrl: string };

/**
 * The app listening on a free loopback port, for a browser: PUBLIC_URL is that address, so
 * links the app writes (emails, redirects) open in the same browser.
 */
export async function serveOperatorApp(db: Db, overrides: Parameters<typeof testConfig>[0] = {}): Promise<ServedApp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = await startOperatorApp(db, { ...overrides, PUBLIC_URL: baseUrl });
  server.on('request', api.app);
  return {
    ...api,
    baseUrl,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}

export interface TestDealer {
  id: string;
  name: string;
  slug: string;
}

export async function createDealer(db: Db, fields: Record<string, unknown> = {}): Promise<TestDealer> {
  const suffix = randomUUID().slice(0, 8);
  const [dealer] = await db('dealers')
    .insert({ name: `Test Lumber ${suffix}`, slug: `test-lumber-${suffix}`, integration_mode: 'spruce', time_zone: 'America/Chicago', ...fields })
    .returning(['id', 'name', 'slug']);
  return dealer;
}

let cachedHash: Promise<string> | undefined;

export async function createOperator(db: Db, dealerId: string, fields: { role?: 'admin' | 'ar_operator'; email?: string; name?: string } = {}) {
  cachedHash ??= hashPassword(OPERATOR_PASSWORD);
  const email = fields.email ?? `op-${randomUUID().slice(0, 8)}@dealer.test`;
  const [user] = await db('operator_users')
    .insert({ dealer_id: dealerId, email, name: fields.name ?? 'Dana Operator', role: fields.role ?? 'admin', status: 'active', password_hash: await cachedHash })
    .returning(['id', 'email', 'name', 'role']);
  return user as { id: string; email: string; name: string; role: 'admin' | 'ar_operator' };
}

export interface SignedIn {
  agent: ReturnType<typeof request.agent>;
  csrfToken: string;
  get(path: string): request.Test;
  /** Mutations with the session's CSRF token, as the console sends them. */
  send(method: 'post' | 'put' | 'delete', path: string, body?: unknown): request.Test;
}

export async function signIn(app: Express, email: string, password = OPERATOR_PASSWORD): Promise<SignedIn> {
  const agent = request.agent(app);
  const response = await agent.post('/api/operator/auth/sign-in').send({ email, password }).expect(200);
  const csrfToken: string = response.body.csrfToken;
  return {
    agent,
    csrfToken,
    get: (path) => agent.get(path),
    send: (method, path, body) => agent[method](path).set('X-CSRF-Token', csrfToken).send(body as object),
  };
}

/** `?sort=..&range=..&filter=..` as ra-data-simple-rest builds it. */
export function listQuery(params: { sort?: [string, 'ASC' | 'DESC']; range?: [number, number]; filter?: Record<string, unknown> }): string {
  const query = new URLSearchParams();
  if (params.sort) query.set('sort', JSON.stringify(params.sort));
  if (params.range) query.set('range', JSON.stringify(params.range));
  if (params.filter) query.set('filter', JSON.stringify(params.filter));
  const text = query.toString();
  return text ? `?${text}` : '';
}

export interface SeedAccount {
  erp_account_id: string;
  name: string;
  status?: 'active' | 'inactive';
  account_type?: string;
  credit_limit_cents?: number | null;
  stats?: Partial<Record<string, unknown>> | null;
}

/**
 * Inserts accounts and their precomputed statistics directly, as the stats refresher would
 * leave them (`stats: null` keeps the zero row every new account gets).
 */
export async function seedAccounts(db: Db, dealerId: string, accounts: SeedAccount[]): Promise<Array<{ id: string; erp_account_id: string }>> {
  const inserted = await db('customer_accounts')
    .insert(accounts.map((account) => ({
      dealer_id: dealerId,
      erp_account_id: account.erp_account_id,
      name: account.name,
      status: account.status ?? 'active',
      account_type: account.account_type ?? 'credit',
      credit_limit_cents: account.credit_limit_cents ?? null,
    })))
    .returning(['id', 'erp_account_id']);
  const byErpId = new Map(inserted.map((row: { id: string; erp_account_id: string }) => [row.erp_account_id, row.id]));
  const stats = accounts
    .filter((account) => account.stats !== null)
    .map((account) => ({ customer_account_id: byErpId.get(account.erp_account_id), dealer_id: dealerId, as_of: '2026-11-20', ...account.stats }));
  if (stats.length) await db('account_stats').insert(stats).onConflict('customer_account_id').merge();
  return inserted;
}

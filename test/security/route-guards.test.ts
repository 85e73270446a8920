import { Router, type Express } from 'express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { inventoryTable, routeInventory, type RouteEntry } from '../support/route-inventory';
import type { Db } from '../../db/connection';
import { testDb } from '../support/db';
import { createDealer, createOperator, signIn, startOperatorApp, type SignedIn, type TestApp } from '../support/operator';
import { createCustomerAccount, createPortalCustomer, signInCustomer, type CustomerSession } from '../support/portal';
import { issueApiKey } from '../support/api-keys';
import { writeReportSection } from './report';

/**
 * Every endpoint is either on the short public list below or demands the right kind of
 * login. The list of endpoints comes from the app itself, so a route added without a guard
 * shows up here as unprotected.
 */
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'POST /webhooks/spruce',
  'POST /webhooks/moov',
  'POST /webhooks/plaid',
  'POST /api/operator/auth/sign-in',
  'POST /api/operator/auth/sign-out',
  'GET /api/operator/auth/set-password',
  'POST /api/operator/auth/set-password',
  'POST /api/portal/auth/sign-in',
  'POST /api/portal/auth/sign-out',
  'POST /api/portal/invitations/lookup',
  'POST /api/portal/invitations/decline',
  'POST /api/portal/register',
  'POST /api/portal/register/existing',
  'POST /api/portal/auth/forgot-password',
  'POST /api/portal/auth/reset-password',
  // A job pay link's holder has no login: the token in the path is the credential (docs/company-roles.md).
  'GET /api/portal/job-links/:token',
  'POST /api/portal/job-links/:token/card-session',
  'POST /api/portal/job-links/:token/cards',
  'POST /api/portal/job-links/:token/plaid/link-token',
  'POST /api/portal/job-links/:token/plaid/exchange',
  'POST /api/portal/job-links/:token/preview',
  'POST /api/portal/job-links/:token/payments',
  'GET /api/portal/job-links/:token/payments/:paymentId',
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /admin/*',
  'GET /admin/assets/*',
  'GET /portal/*',
  'GET /portal/assets/*',
  'GET /',
]);

const key = (route: RouteEntry) => `${route.method} ${route.path}`;
const expectedGuard = (route: RouteEntry) =>
  (route.path.startsWith('/api/operator/') ? 'operator' : route.path.startsWith('/api/portal/') ? 'customer' : route.path.startsWith('/api/v1/') ? 'api_key'
    : route.path.startsWith('/api/platform/') ? 'platform_admin' : 'none');

/** The platform administrators' bearer token in this file's app; the route-guard checks need the API on. */
const PLATFORM_TOKEN = `guards-platform-token-${randomUUID()}`;

/** Routes that are neither on the public list nor guarded by the login their area needs. */
export function misguarded(routes: RouteEntry[]): string[] {
  return routes
    .filter((route) => (PUBLIC.has(key(route)) ? route.guard !== 'none' && expectedGuard(route) !== route.guard : route.guard === 'none' || route.guard !== expectedGuard(route)))
    .map(key);
}

/** A concrete URL for a route pattern: unknown ids, so only the guard can answer. */
export function concretePath(path: string, ids: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => ids[name] ?? (name === 'category' ? 'fees' : randomUUID()));
}

const send = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, route: RouteEntry, url: string) =>
  (agent as any)[route.method.toLowerCase()](url) as request.Test;

describe('security: route inventory and guards', () => {
  let db: Db;
  let api: TestApp;
  let routes: RouteEntry[];
  let operator: SignedIn;
  let customer: CustomerSession;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db, { PLATFORM_ADMIN_TOKEN: PLATFORM_TOKEN });
    routes = routeInventory(api.app);
    const dealer = await createDealer(db);
    operator = await signIn(api.app, (await createOperator(db, dealer.id)).email);
    const account = await createCustomerAccount(db, dealer.id);
    customer = await signInCustomer(api.app, (await createPortalCustomer(db, [{ id: account.id, dealerId: dealer.id }])).email);
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  it('inventories the app from its router stack and writes it to docs/reliability.md', () => {
    const guarded = routes.filter((route) => route.guard !== 'none');
    expect(routes.length).toBeGreaterThan(60);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/operator/payments/:id', guard: 'operator' }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'PUT', path: '/api/operator/settings/dealer', guard: 'operator', roles: ['admin'] }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/portal/outstanding', guard: 'customer' }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/v1/events', guard: 'api_key' }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/v1/settlements/:id/close', guard: 'api_key', roles: ['scope:write'] }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'POST', path: '/api/platform/dealers', guard: 'platform_admin' }));
    console.log(`route inventory: ${routes.length} endpoints, ${guarded.length} behind a login, ${routes.length - guarded.length} public`);
    writeReportSection('route-inventory', [
      '### Route inventory',
      '',
      `Read from the Express router stack by \`test/support/route-inventory.ts\` (test/security/route-guards.test.ts rewrites this section): ${routes.length} endpoints, ${guarded.length} behind a login, ${routes.length - guarded.length} public.`,
      '',
      inventoryTable(routes),
    ].join('\n'));
  });

  it('has no endpoint outside the public list without the login its area needs', () => {
    expect(misguarded(routes)).toEqual([]);
    const present = new Set(routes.map(key));
    expect([...PUBLIC].filter((entry) => !present.has(entry))).toEqual([]);
  });

  it('flags a route added without a guard', async () => {
    const { createApp } = await import('../../api/app');
    const app: Express = createApp({ db, temporal: api.temporal, config: api.config });
    // As if someone added the routes to the sign-in routers, which sit before the guards.
    const stack = (app as unknown as { router: { stack: unknown[] } }).router.stack;
    const firstAuthRouter = stack.findIndex((layer: any) => layer.rawPath === '/api/operator');
    const extra = Router();
    extra.get('/api/operator/unguarded-export', (_req, res) => res.json([]));
    extra.get('/api/portal/unguarded-lookup', (_req, res) => res.json([]));
    extra.get('/api/v1/unguarded-feed', (_req, res) => res.json([]));
    app.use(extra);
    stack.splice(firstAuthRouter, 0, stack.pop());
    await request(app).get('/api/operator/unguarded-export').expect(200);
    expect(misguarded(routeInventory(app))).toEqual(['GET /api/operator/unguarded-export', 'GET /api/portal/unguarded-lookup', 'GET /api/v1/unguarded-feed']);
  });

  it('answers 401 to every guarded route without a session and with the other kind of session', async () => {
    const guarded = routes.filter((route) => route.guard !== 'none');
    let checks = 0;
    const failures: string[] = [];
    for (const route of guarded) {
      const url = concretePath(route.path);
      const wrong = route.guard === 'operator' ? customer : operator;
      const anonymous = await send(request(api.app), route, url).set('X-CSRF-Token', 'x').send({});
      const crossed = await send(wrong.agent, route, url).set('X-CSRF-Token', wrong.csrfToken).send({});
      checks += 2;
      if (anonymous.status !== 401) failures.push(`${key(route)} anonymous → ${anonymous.status}`);
      if (crossed.status !== 401) failures.push(`${key(route)} with a ${route.guard === 'operator' ? 'customer' : 'operator'} session → ${crossed.status}`);
    }
    console.log(`guard checks: ${checks}, failures: ${failures.length}`);
    expect(failures).toEqual([]);
  });

  it('refuses every /api/v1 route a garbage or revoked key (401), and every v1 write a read-only key (403 insufficient_scope)', async () => {
    const v1 = routes.filter((route) => route.guard === 'api_key');
    expect(v1.length).toBeGreaterThanOrEqual(15);
    const reader = await issueApiKey(operator, 'read');
    const revoked = await issueApiKey(operator, 'write');
    await operator.send('post', `/api/operator/api-keys/${revoked.id}/revoke`).expect(200);
    const failures: string[] = [];
    for (const route of v1) {
      const url = concretePath(route.path);
      const garbage = await send(request(api.app), route, url).set('Authorization', 'Bearer dpk_garbage').set('Idempotency-Key', `guard-${randomUUID()}`).send({});
      const gone = await send(request(api.app), route, url).set('Authorization', `Bearer ${revoked.secret}`).set('Idempotency-Key', `guard-${randomUUID()}`).send({});
      if (garbage.status !== 401) failures.push(`${key(route)} garbage key → ${garbage.status}`);
      if (gone.status !== 401 || gone.body?.error?.code !== 'api_key_revoked') failures.push(`${key(route)} revoked key → ${gone.status} ${gone.body?.error?.code}`);
      if (route.method !== 'GET') {
        const readOnly = await send(request(api.app), route, url).set('Authorization', `Bearer ${reader.secret}`).set('Idempotency-Key', `guard-${randomUUID()}`).send({});
        if (readOnly.status !== 403 || readOnly.body?.error?.code !== 'insufficient_scope') failures.push(`${key(route)} read-only key → ${readOnly.status} ${readOnly.body?.error?.code}`);
      }
    }
    console.log(`API key checks on ${v1.length} /api/v1 routes, failures: ${failures.length}`);
    expect(failures).toEqual([]);
  });

  it('refuses every /api/platform route a dealer\'s API key, a wrong token, and anyone at all when PLATFORM_ADMIN_TOKEN is unset', async () => {
    const platform = routes.filter((route) => route.guard === 'platform_admin');
    expect(platform.length).toBeGreaterThanOrEqual(2);
    const dealerKey = await issueApiKey(operator, 'write');
    const { createApp } = await import('../../api/app');
    const { testConfig } = await import('../support/config');
    const off = createApp({ db, temporal: api.temporal, config: testConfig() });
    const failures: string[] = [];
    for (const route of platform) {
      const url = concretePath(route.path, { slug: 'some-dealer' });
      const withKey = await send(request(api.app), route, url).set('Authorization', `Bearer ${dealerKey.secret}`).send({});
      const wrong = await send(request(api.app), route, url).set('Authorization', `Bearer ${PLATFORM_TOKEN}x`).send({});
      const disabled = await send(request(off), route, url).set('Authorization', `Bearer ${PLATFORM_TOKEN}`).send({});
      const allowed = await send(request(api.app), route, url).set('Authorization', `Bearer ${PLATFORM_TOKEN}`).send({});
      if (withKey.status !== 401) failures.push(`${key(route)} with a dealer API key → ${withKey.status}`);
      if (wrong.status !== 401 || wrong.body?.error?.code !== 'invalid_platform_token') failures.push(`${key(route)} wrong token → ${wrong.status} ${wrong.body?.error?.code}`);
      if (disabled.status !== 403 || disabled.body?.error?.code !== 'platform_admin_disabled') failures.push(`${key(route)} token unset → ${disabled.status} ${disabled.body?.error?.code}`);
      // Past the guard: the route itself answers (an invalid body, an unknown dealer).
      if (![400, 404].includes(allowed.status)) failures.push(`${key(route)} with the platform token → ${allowed.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses every mutating operator and portal route without the CSRF header (403 csrf_failed)', async () => {
    // Bearer tokens are never sent by a browser on its own, so the public and platform APIs need no CSRF token.
    const mutating = routes.filter((route) => ['operator', 'customer'].includes(route.guard) && !['GET', 'HEAD', 'OPTIONS'].includes(route.method));
    expect(mutating.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const route of mutating) {
      const session = route.guard === 'operator' ? operator : customer;
      const url = concretePath(route.path);
      const missing = await send(session.agent, route, url).send({});
      const wrong = await send(session.agent, route, url).set('X-CSRF-Token', 'not-the-token').send({});
      for (const [label, response] of [['missing', missing], ['wrong', wrong]] as const) {
        if (response.status !== 403 || response.body?.error?.code !== 'csrf_failed') failures.push(`${key(route)} ${label} header → ${response.status} ${response.body?.error?.code}`);
      }
    }
    console.log(`CSRF checks: ${mutating.length * 2} on ${mutating.length} mutating routes, failures: ${failures.length}`);
    expect(failures).toEqual([]);
  });
});

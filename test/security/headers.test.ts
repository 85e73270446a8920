import request from 'supertest';
import type { Db } from '../../db/connection';
import { testDb } from '../support/db';
import { createDealer, createOperator, OPERATOR_PASSWORD, signIn, startOperatorApp, type TestApp } from '../support/operator';
import { createCustomerAccount, createPortalCustomer, CUSTOMER_PASSWORD, signInCustomer } from '../support/portal';

/**
 * Security headers on every kind of answer the app gives, not only the happy JSON path:
 * pages, refusals (401, 403, 404, 400), webhook refusals and signed-in reads; and both session
 * cookies' flags when set and when cleared. test/security/authentication.test.ts covers the
 * sign-in mechanics; this file is about what the browser is told.
 */

const HALF_A_YEAR_SECONDS = 180 * 24 * 60 * 60;

function directives(csp: string | undefined): Map<string, string[]> {
  return new Map((csp ?? '').split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name = '', ...values] = part.split(/\s+/);
    return [name, values] as [string, string[]];
  }));
}

function expectSecurityHeaders(response: request.Response, label: string): void {
  const csp = directives(response.headers['content-security-policy']);
  const seen = {
    label,
    defaultSrc: csp.get('default-src'),
    scriptSrc: csp.get('script-src'),
    objectSrc: csp.get('object-src'),
    frameAncestors: csp.get('frame-ancestors'),
    baseUri: csp.get('base-uri'),
    formAction: csp.get('form-action'),
    nosniff: response.headers['x-content-type-options'],
    frameOptions: response.headers['x-frame-options'],
    referrer: response.headers['referrer-policy'],
    poweredBy: response.headers['x-powered-by'],
  };
  expect(seen).toEqual({
    label,
    defaultSrc: ["'self'"],
    // No inline or eval'd script: an injected <script> or on*= attribute does not run. Scripts
    // come from us and the two providers' script origins (the emulators' here).
    scriptSrc: ["'self'", 'http://127.0.0.1:4020', 'http://127.0.0.1:4030'],
    objectSrc: ["'none'"],
    frameAncestors: ["'self'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    nosniff: 'nosniff',
    frameOptions: 'SAMEORIGIN',
    referrer: 'no-referrer',
    poweredBy: undefined,
  });
  const hsts = /max-age=(\d+)/.exec(response.headers['strict-transport-security'] ?? '');
  expect({ label, hsts: Number(hsts?.[1] ?? 0) >= HALF_A_YEAR_SECONDS, subdomains: /includeSubDomains/.test(response.headers['strict-transport-security'] ?? '') }).toEqual({ label, hsts: true, subdomains: true });
}

function cookie(response: request.Response, name: string): { value: string; attributes: Map<string, string> } {
  const header = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((candidate) => candidate.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie`);
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  return {
    value: pair.slice(name.length + 1),
    attributes: new Map(attributes.map((attribute) => {
      const [key = '', ...rest] = attribute.split('=');
      return [key.toLowerCase(), rest.join('=')] as [string, string];
    })),
  };
}

describe('security: headers and cookie flags', () => {
  let db: Db;
  let api: TestApp;
  let secureApi: TestApp;
  let dealerId: string;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    secureApi = await startOperatorApp(db, { PUBLIC_URL: 'https://payments.dealer.example' });
    dealerId = (await createDealer(db)).id;
  });

  afterAll(async () => {
    await api.close();
    await secureApi.close();
    await db.destroy();
  });

  it('sends them on pages, refusals, webhook answers and signed-in reads', async () => {
    const operator = await signIn(api.app, (await createOperator(db, dealerId)).email);
    const account = await createCustomerAccount(db, dealerId);
    const customer = await signInCustomer(api.app, (await createPortalCustomer(db, [{ id: account.id, dealerId }])).email);
    const answers: Array<[string, request.Response]> = [
      ['health', await request(api.app).get('/healthz')],
      ['console page', await request(api.app).get('/admin/customers')],
      ['portal page', await request(api.app).get('/portal/')],
      ['root redirect', await request(api.app).get('/')],
      ['401 without a session', await request(api.app).get('/api/portal/payments')],
      ['403 without CSRF', await operator.agent.post('/api/operator/invitations').send({ customerAccountIds: [] })],
      ['404 unknown endpoint', await request(api.app).get('/api/nothing-here')],
      ['400 malformed JSON', await request(api.app).post('/api/portal/auth/sign-in').set('content-type', 'application/json').send('{"email":')],
      ['moov webhook refusal', await request(api.app).post('/webhooks/moov').send({})],
      ['spruce webhook refusal', await request(api.app).post('/webhooks/spruce').send({})],
      ['operator read', await operator.get('/api/operator/customers')],
      ['customer read', await customer.get('/api/portal/payments')],
    ];
    expect(answers.map(([label, response]) => [label, response.status])).toEqual([
      ['health', 200], ['console page', expect.any(Number)], ['portal page', expect.any(Number)], ['root redirect', 302],
      ['401 without a session', 401], ['403 without CSRF', 403], ['404 unknown endpoint', 404], ['400 malformed JSON', 400],
      ['moov webhook refusal', 401], ['spruce webhook refusal', 401], ['operator read', 200], ['customer read', 200],
    ]);
    for (const [label, response] of answers) expectSecurityHeaders(response, label);
  });

  it('lets the portal load, frame and call exactly the configured providers: Moov\'s Drops and API, Plaid Link and API', async () => {
    const vendors = await startOperatorApp(db, {
      MOOV_URL: 'https://api.moov.io',
      PLAID_URL: 'https://production.plaid.com',
      MOOV_DROPS_SCRIPT_URL: 'https://js.moov.io/v1',
      PLAID_LINK_SCRIPT_URL: 'https://cdn.plaid.com/link/v2/stable/link-initialize.js',
    });
    try {
      const csp = directives((await request(vendors.app).get('/portal/')).headers['content-security-policy']);
      expect({
        script: csp.get('script-src'), frame: csp.get('frame-src'), connect: csp.get('connect-src'), defaults: csp.get('default-src'), inlineHandlers: csp.get('script-src-attr'),
      }).toEqual({
        script: ["'self'", 'https://js.moov.io', 'https://cdn.plaid.com'],
        frame: ['https://js.moov.io', 'https://cdn.plaid.com'],
        connect: ["'self'", 'https://api.moov.io', 'https://production.plaid.com'],
        defaults: ["'self'"],
        inlineHandlers: ["'none'"],
      });
      // Nothing else from outside: every origin in the policy is ours or one of those four.
      const origins = new Set([...csp.values()].flat().filter((value) => value.startsWith('http')));
      expect([...origins].sort()).toEqual(['https://api.moov.io', 'https://cdn.plaid.com', 'https://js.moov.io', 'https://production.plaid.com']);
    } finally {
      await vendors.close();
    }
  });

  it('sets both session cookies HttpOnly, SameSite=Lax, Path=/ and Secure behind https, and clears them the same way', async () => {
    const operator = await createOperator(db, dealerId);
    const account = await createCustomerAccount(db, dealerId);
    const customer = await createPortalCustomer(db, [{ id: account.id, dealerId }]);
    const signIns = [
      { name: 'dp_operator', path: '/api/operator/auth', credentials: { email: operator.email, password: OPERATOR_PASSWORD } },
      { name: 'dp_customer', path: '/api/portal/auth', credentials: { email: customer.email, password: CUSTOMER_PASSWORD } },
    ];
    for (const { name, path, credentials } of signIns) {
      for (const [app, secure] of [[api.app, false], [secureApi.app, true]] as const) {
        const agent = request.agent(app);
        const signedIn = await agent.post(`${path}/sign-in`).send(credentials).expect(200);
        const set = cookie(signedIn, name);
        expect({ name, secure, value: set.value.length >= 32, httpOnly: set.attributes.has('httponly'), sameSite: set.attributes.get('samesite'), path: set.attributes.get('path'), secureFlag: set.attributes.has('secure') })
          .toEqual({ name, secure, value: true, httpOnly: true, sameSite: 'Lax', path: '/', secureFlag: secure });
        // Bounded life: a stolen cookie does not last for ever.
        expect(Number(set.attributes.get('max-age'))).toBeGreaterThan(0);
        expect(Number(set.attributes.get('max-age'))).toBeLessThanOrEqual(24 * 60 * 60);

        const signedOut = await agent.post(`${path}/sign-out`).set('X-CSRF-Token', signedIn.body.csrfToken).expect(204);
        const cleared = cookie(signedOut, name);
        expect(cleared.value).toBe('');
        expect(new Date(cleared.attributes.get('expires')!).getTime()).toBeLessThan(Date.now());
        expect(cleared.attributes.get('path')).toBe('/');
      }
    }
  });
});

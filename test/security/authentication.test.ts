import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Db } from '../../db/connection';
import { testDb } from '../support/db';
import { createDealer, createOperator, OPERATOR_PASSWORD, signIn, startOperatorApp, type TestApp } from '../support/operator';
import { CUSTOMER_PASSWORD, createCustomerAccount, createPortalCustomer } from '../support/portal';

/** Parses one Set-Cookie header into its name, value and attribute names (lower case). */
function cookieFrom(response: request.Response, name: string): { value: string; attributes: Map<string, string> } {
  const headers = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const header = headers.find((candidate) => candidate.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in ${JSON.stringify(headers)}`);
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  return {
    value: decodeURIComponent(pair.slice(name.length + 1)),
    attributes: new Map(attributes.map((attribute) => {
      const [key = '', ...rest] = attribute.split('=');
      return [key.toLowerCase(), rest.join('=')] as [string, string];
    })),
  };
}

describe('security: authentication', () => {
  let db: Db;
  let api: TestApp;
  let dealerId: string;

  beforeAll(async () => {
    db = testDb();
    api = await startOperatorApp(db);
    dealerId = (await createDealer(db)).id;
  });

  afterAll(async () => {
    await api.close();
    await db.destroy();
  });

  it('stores argon2id hashes, including the one a password change through the API writes', async () => {
    const operator = await createOperator(db, dealerId);
    const token = `set-password-${randomUUID()}`;
    const { hashToken } = await import('../../api/auth/tokens');
    await db('auth_tokens').insert({ token_hash: hashToken(token), purpose: 'operator_password_reset', subject_id: operator.id, expires_at: new Date(Date.now() + 60_000) });
    await request(api.app).post('/api/operator/auth/set-password').send({ token, password: 'Cedar-shingles-4417!' }).expect(200);

    const hashes = [
      ...(await db('operator_users').pluck('password_hash')),
      ...(await db('portal_users').pluck('password_hash')),
    ].filter(Boolean);
    expect(hashes.length).toBeGreaterThan(0);
    for (const hash of hashes) expect(hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    const changed = await db('operator_users').where({ id: operator.id }).first('password_hash');
    expect(changed.password_hash).not.toContain('Cedar');
    await signIn(api.app, operator.email, 'Cedar-shingles-4417!');
  });

  it('locks an account after five failures (423) even for the right password', async () => {
    const operator = await createOperator(db, dealerId);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await request(api.app).post('/api/operator/auth/sign-in').send({ email: operator.email, password: `wrong-${attempt}` }).expect(401);
    }
    const locked = await request(api.app).post('/api/operator/auth/sign-in').send({ email: operator.email, password: OPERATOR_PASSWORD }).expect(423);
    expect(locked.body.error.code).toBe('account_locked');

    const account = await createCustomerAccount(db, dealerId);
    const customer = await createPortalCustomer(db, [{ id: account.id, dealerId }]);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await request(api.app).post('/api/portal/auth/sign-in').send({ email: customer.email, password: `wrong-${attempt}` }).expect(401);
    }
    await request(api.app).post('/api/portal/auth/sign-in').send({ email: customer.email, password: CUSTOMER_PASSWORD }).expect(423);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and Secure when the public URL is https', async () => {
    const operator = await createOperator(db, dealerId);
    const plain = await request(api.app).post('/api/operator/auth/sign-in').send({ email: operator.email, password: OPERATOR_PASSWORD }).expect(200);
    const cookie = cookieFrom(plain, 'dp_operator');
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(cookie.attributes.get('samesite')).toBe('Lax');
    expect(cookie.attributes.get('path')).toBe('/');
    expect(cookie.attributes.has('secure')).toBe(false);

    const secureApi = await startOperatorApp(db, { PUBLIC_URL: 'https://payments.dealer.example' });
    try {
      const account = await createCustomerAccount(db, dealerId);
      const customer = await createPortalCustomer(db, [{ id: account.id, dealerId }]);
      const secured = await request(secureApi.app).post('/api/portal/auth/sign-in').send({ email: customer.email, password: CUSTOMER_PASSWORD }).expect(200);
      const secure = cookieFrom(secured, 'dp_customer');
      expect(secure.attributes.has('secure')).toBe(true);
      expect(secure.attributes.has('httponly')).toBe(true);
      expect(secure.attributes.get('samesite')).toBe('Lax');
    } finally {
      await secureApi.close();
    }
  });

  it('never adopts a session id chosen before sign-in, and ends the session on sign-out', async () => {
    const operator = await createOperator(db, dealerId);
    const planted = 'attacker-chosen-session-id-0123456789';
    const response = await request(api.app)
      .post('/api/operator/auth/sign-in')
      .set('Cookie', `dp_operator=${planted}`)
      .send({ email: operator.email, password: OPERATOR_PASSWORD })
      .expect(200);
    const issued = cookieFrom(response, 'dp_operator').value;
    expect(issued).not.toBe(planted);
    await request(api.app).get('/api/operator/auth/session').set('Cookie', `dp_operator=${planted}`).expect(401);
    await request(api.app).get('/api/operator/auth/session').set('Cookie', `dp_operator=${issued}`).expect(200);

    const again = await request(api.app).post('/api/operator/auth/sign-in').set('Cookie', `dp_operator=${issued}`).send({ email: operator.email, password: OPERATOR_PASSWORD }).expect(200);
    expect(cookieFrom(again, 'dp_operator').value).not.toBe(issued);

    await request(api.app).post('/api/operator/auth/sign-out').set('Cookie', `dp_operator=${issued}`).expect(204);
    await request(api.app).get('/api/operator/auth/session').set('Cookie', `dp_operator=${issued}`).expect(401);
  });

  it('sends the security headers on API answers and pages', async () => {
    for (const path of ['/healthz', '/api/operator/customers', '/admin/']) {
      const response = await request(api.app).get(path);
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(response.headers['content-security-policy']).toContain("object-src 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('limits sign-in and password-reset attempts per client address (429 with a clear error)', async () => {
    const limited = await startOperatorApp(db, { AUTH_RATE_LIMIT_PER_IP: '3', AUTH_RATE_LIMIT_WINDOW_MS: '600000' });
    try {
      const operator = await createOperator(db, dealerId);
      // Three different accounts: per-account lock-out alone would never stop this.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await request(limited.app).post('/api/operator/auth/sign-in').send({ email: `nobody-${attempt}@dealer.test`, password: 'guess' }).expect(401);
      }
      const refused = await request(limited.app).post('/api/operator/auth/sign-in').send({ email: operator.email, password: OPERATOR_PASSWORD }).expect(429);
      expect(refused.body.error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/Too many attempts from this address/) });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The portal's sign-in shares the budget; a signed-in session is not affected.
      await request(limited.app).post('/api/portal/auth/sign-in').send({ email: 'x@contractor.test', password: 'guess' }).expect(429);

      for (let attempt = 0; attempt < 3; attempt += 1) {
        await request(limited.app).post('/api/portal/auth/forgot-password').send({ email: `nobody-${attempt}@contractor.test` }).expect(202);
      }
      const reset = await request(limited.app).post('/api/portal/auth/forgot-password').send({ email: 'again@contractor.test' }).expect(429);
      expect(reset.body.error.code).toBe('rate_limited');
      await request(limited.app).post('/api/portal/auth/reset-password').send({ token: 'x'.repeat(40), password: 'Whatever-123!' }).expect(429);

      // Another address has its own budget.
      await request(limited.app).post('/api/operator/auth/sign-in').set('X-Forwarded-For', '203.0.113.9').send({ email: operator.email, password: OPERATOR_PASSWORD }).expect(200);
    } finally {
      await limited.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { deleteEndedRateLimitWindows } from '../../db/rate-limits';
import { testDb } from '../support/db';
import { startOperatorApp, type TestApp } from '../support/operator';

/**
 * The sign-in budget shared through PostgreSQL: two API replicas (two apps on one database)
 * draw on the same window per client address, as they do behind the proxy.
 */
describe('security: sign-in rate limit shared by API replicas', () => {
  const db = testDb();
  let replicas: TestApp[] = [];

  beforeAll(async () => {
    const shared = { RATE_LIMIT_STORE: 'postgres', AUTH_RATE_LIMIT_PER_IP: '4', AUTH_RATE_LIMIT_WINDOW_MS: '600000' } as const;
    replicas = [await startOperatorApp(db, shared), await startOperatorApp(db, shared)];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await db.destroy();
  });


  it('refuses the fifth attempt from one address whichever replica answers it', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const attempt = (replica: TestApp) => request(replica.app).post('/api/operator/auth/sign-in').set('X-Forwarded-For', ip).send({ email: `nobody-${randomUUID()}@dealer.test`, password: 'guess' });
    await db('rate_limit_windows').where('key', 'like', `%|${ip}`).delete();
    for (const replica of [replicas[0]!, replicas[1]!, replicas[0]!, replicas[1]!]) await attempt(replica).expect(401);
    const refused = await attempt(replicas[0]!).expect(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500);
    await attempt(replicas[1]!).expect(429);
    const row = await db('rate_limit_windows').where({ key: `sign-in|${ip}` }).first();
    expect(row.hits).toBe(6);
  });

  it('counts concurrent attempts on both replicas without losing one', async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    await db('rate_limit_windows').where('key', 'like', `%|${ip}`).delete();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) =>
      request(replicas[index % 2]!.app).post('/api/portal/auth/forgot-password').set('X-Forwarded-For', ip).send({ email: `someone-${index}@contractor.test` })));
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(4);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(6);
    expect((await db('rate_limit_windows').where({ key: `password-reset|${ip}` }).first()).hits).toBe(10);
  });

  it('starts a fresh window once the old one has ended, and the sweep removes ended windows', async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const key = `sign-in|${ip}`;
    await db('rate_limit_windows').where({ key }).delete();
    await db('rate_limit_windows').insert({ key, window_started_at: new Date(Date.now() - 3_600_000), hits: 99 });
    await request(replicas[0]!.app).post('/api/operator/auth/sign-in').set('X-Forwarded-For', ip).send({ email: 'nobody@dealer.test', password: 'guess' }).expect(401);
    expect((await db('rate_limit_windows').where({ key }).first()).hits).toBe(1);
    await db('rate_limit_windows').where({ key }).update({ window_started_at: new Date(Date.now() - 2 * 86_400_000) });
    expect(await deleteEndedRateLimitWindows(db, new Date(Date.now() - 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(await db('rate_limit_windows').where({ key }).first()).toBeUndefined();
  });
});

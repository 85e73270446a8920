import request from 'supertest';
import { transitionPayment } from '../db/payments';
import { countStatements, metricsRegistry } from '../runtime/metrics';
import { createDb } from '../db/connection';
import { requiredEnv } from './support/temporal';
import { serveWorkerMetrics } from '../worker/metrics-server';
import { testDb } from './support/db';
import { startOperatorApp, type TestApp } from './support/operator';
import { createCustomerBook, createSettledPayment, createSettlementDealer } from './support/settlements';
import { freePort } from '../bench/lib/services';

/** /metrics on the API and the worker: what an operator's Prometheus scrapes. */
describe('metrics', () => {
  const db = testDb();
  let api: TestApp;
  let guarded: TestApp;

  beforeAll(async () => {
    api = await startOperatorApp(db);
    guarded = await startOperatorApp(db, { METRICS_TOKEN: 'metrics-token-0123456789' });
  });
  afterAll(async () => {
    await api.close();
    await guarded.close();
    await db.destroy();
  });

  const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)
      ? Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)) : false);
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('counts every statement a counted pool sends, transaction statements included', async () => {
    const counted = createDb(requiredEnv('TEST_DATABASE_URL'), { max: 1 });
    countStatements(counted);
    try {
      const statements = async () => sample((await request(api.app).get('/metrics').expect(200)).text, 'drypowder_db_statements_total') ?? Number.NaN;
      const before = await statements();
      await counted.raw('select 1');
      await counted.transaction(async (trx) => {
        await trx.raw('select 2');
      });
      // select 1; begin; select 2; commit (the API's own scrape counts nothing: its pool is not counted here).
      expect((await statements()) - before).toBe(4);
    } finally {
      await counted.destroy();
    }
  });

  it('times requests by route template, never by the id in the path', async () => {
    await request(api.app).get('/api/operator/payments/00000000-0000-4000-8000-000000000000').expect(401);
    await request(api.app).get('/healthz').expect(200);
    const text = (await request(api.app).get('/metrics').expect(200).expect('content-type', /text\/plain/)).text;
    expect(sample(text, 'drypowder_http_request_duration_seconds_count', { route: '/healthz', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(text).toMatch(/drypowder_process_cpu_seconds_total/);
  });

  it('reads the backlogs from the books: queued email, GL posting lag', async () => {
    const dealer = await createSettlementDealer(db, null);
    await db('email_outbox').insert({ dealer_id: dealer.id, kind: 'payment_alert', to_address: 'ar@metrics.test', subject: 'Waiting', text_body: 'x', dedupe_key: `metrics-${Date.now()}`, created_at: new Date(Date.now() - 600_000) });
    const text = (await request(api.app).get('/metrics').expect(200)).text;
    expect(sample(text, 'drypowder_email_outbox_queued')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'drypowder_email_outbox_oldest_queued_seconds')).toBeGreaterThanOrEqual(600);
    expect(sample(text, 'drypowder_gl_posting_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts a payment transition once it is committed, and not one rolled back', async () => {
    const dealer = await createSettlementDealer(db, null);
    const book = await createCustomerBook(db, null, dealer, { invoices: [{ number: 'INV-M-1', amountCents: 5_000 }] });
    const payment = await createSettledPayment(db, book, [{ kind: 'invoice', number: 'INV-M-1', amountCents: 5_000 }], { method: 'card' });
    const counted = async () => (await metricsRegistry.getSingleMetric('drypowder_payment_transitions_total')!.get()).values
      .filter((value) => value.labels.to === 'disputed' && value.labels.event === 'dispute_opened').reduce((sum, value) => sum + value.value, 0);
    const before = await counted();
    const move = { paymentId: payment.id, from: ['settled'] as const, to: 'disputed' as const, event: 'dispute_opened', actor: { kind: 'processor' as const } };
    await expect(db.transaction(async (trx) => {
      await transitionPayment(trx, { ...move, from: [...move.from] });
      throw new Error('rolled back on purpose');
    })).rejects.toThrow('rolled back on purpose');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await counted()).toBe(before);
    await db.transaction((trx) => transitionPayment(trx, { ...move, from: [...move.from] }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await counted()).toBe(before + 1);
  });

  it('asks for the bearer token when one is configured', async () => {
    await request(guarded.app).get('/metrics').expect(401);
    await request(guarded.app).get('/metrics').set('Authorization', 'Bearer wrong-token-000000000').expect(401);
    await request(guarded.app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789').expect(200);
  });

  it('serves the worker\'s own metrics on its port', async () => {
    const port = await freePort();
    const stop = serveWorkerMetrics(port, undefined);
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toMatch(/drypowder_payment_transitions_total/);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      stop();
    }
  });
});

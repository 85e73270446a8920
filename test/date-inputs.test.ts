import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { testDb } from './support/db';
import { createDealer, createOperator, listQuery, signIn, startOperatorApp, type SignedIn, type TestApp } from './support/operator';

/**
 * Every date the API reads, in a filter, a query parameter or a body, is a day that exists:
 * an impossible one is refused with 400 naming the field, before any SQL runs. PostgreSQL
 * used to be the first to notice 2026-02-30, and the API answered its refusal with a 500 —
 * or, for the payments CSV export, with a 200 and a download cut off after the headers.
 */
const IMPOSSIBLE_DAYS = ['2026-13-45', '2026-02-30', '2026-02-29', '2026-99-99', '2026-04-31', '2026-01-32', '2026-01-00', '2026-00-10', '0000-01-01'];

describe('date inputs', () => {
  let db: Db;
  let testApp: TestApp;
  let operator: SignedIn;

  beforeAll(async () => {
    db = testDb();
    testApp = await startOperatorApp(db);
    const dealer = await createDealer(db);
    operator = await signIn(testApp.app, (await createOperator(db, dealer.id)).email);
  });

  afterAll(async () => {
    await testApp?.close();
    await db?.destroy();
  });

  const DATE_FILTERS: Array<[resource: string, field: string]> = [
    ['payments', 'submitted_gte'],
    ['payments', 'submitted_lte'],
    ['payments/export.csv', 'submitted_gte'],
    ['payments/export.csv', 'submitted_lte'],
    ['invoices', 'due_date_gte'],
    ['invoices', 'due_date_lte'],
    ['settlements', 'business_date_gte'],
    ['settlements', 'business_date_lte'],
    ['ingestion-runs', 'created_at_gte'],
    ['ingestion-runs', 'created_at_lte'],
    ['audit-events', 'at_gte'],
    ['audit-events', 'at_lte'],
  ];

  it.each(DATE_FILTERS)('refuses an impossible day in /api/operator/%s filter %s with 400 naming the field', async (resource, field) => {
    for (const day of IMPOSSIBLE_DAYS) {
      const response = await operator.get(`/api/operator/${resource}${listQuery({ filter: { [field]: day } })}`);
      expect([day, response.status]).toEqual([day, 400]);
      expect(response.headers['content-disposition']).toBeUndefined();
      expect(response.body.error).toMatchObject({ code: 'invalid_filter', message: expect.stringContaining(field) });
      expect(response.body.error.details).toEqual([expect.objectContaining({ field })]);
    }
  });

  it.each(DATE_FILTERS)('still reads a real day, Feb 29 of a leap year included, in /api/operator/%s filter %s', async (resource, field) => {
    for (const day of ['2024-02-29', '2026-02-28', '2026-12-31']) {
      const response = await operator.get(`/api/operator/${resource}${listQuery({ filter: { [field]: day } })}`);
      expect([day, response.status]).toEqual([day, 200]);
    }
  });

  it('refuses an impossible instant in the filters that also take a date and time', async () => {
    for (const [resource, field] of [['ingestion-runs', 'created_at_gte'], ['audit-events', 'at_lte']] as const) {
      for (const at of ['2026-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00+25:00']) {
        const response = await operator.get(`/api/operator/${resource}${listQuery({ filter: { [field]: at } })}`);
        expect([at, response.status, response.body.error?.details?.[0]?.field]).toEqual([at, 400, field]);
      }
      expect((await operator.get(`/api/operator/${resource}${listQuery({ filter: { [field]: '2024-02-29T23:59:59-06:00' } })}`)).status).toBe(200);
    }
  });

  it('refuses an impossible business day for the reconciliation report', async () => {
    for (const date of ['2026-02-30', '2026-13-45', '0000-01-01']) {
      const response = await operator.get(`/api/operator/reconciliation?date=${date}`).expect(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', details: [expect.objectContaining({ field: 'date' })] });
    }
    // A day that exists but had no settlement is a 404, as before.
    expect((await operator.get('/api/operator/reconciliation?date=2024-02-29').expect(404)).body.error.code).toBe('no_settlement');
  });

  it('refuses a posting time on a day that does not exist', async () => {
    const response = await operator.send('post', `/api/operator/settlements/${randomUUID()}/categories/invoices/mark-posted`, { postedAt: '0000-06-01T12:00:00Z' }).expect(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'postedAt' })]);
  });

  it('answers the payments export with the whole file, or a refusal before the first byte', async () => {
    const good = await operator.get(`/api/operator/payments/export.csv${listQuery({ filter: { submitted_gte: '2024-02-29' } })}`).expect(200);
    expect(good.text.split('\r\n')[0]).toMatch(/^payment,payer,/);
    const bad = await operator.get(`/api/operator/payments/export.csv${listQuery({ filter: { submitted_gte: '2026-13-45' } })}`).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/json/);
  });

  it('refuses a page range PostgreSQL cannot read rather than answering 500', async () => {
    for (const range of [[1e20, 1e20], [0, 1e20], [2 ** 53, 2 ** 53 + 2]]) {
      const response = await operator.get(`/api/operator/payments${listQuery({ range: range as [number, number] })}`).expect(400);
      expect(response.body.error.code).toBe('invalid_list_params');
    }
    await operator.get(`/api/operator/payments${listQuery({ range: [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER] })}`).expect(200);
  });

  it('has every date schema in the API come from api/validate.ts, so no route can write its own', () => {
    // A route that spells its own date pattern (or zod's, which lets year 0000 through) is how
    // 2026-02-30 reached the database: the shared calendarDate / instant / instantOrDate are the
    // only ones.
    const own = /\\d\{4\}-\\d\{2\}-\\d\{2\}|z\.iso\.date|z\.iso\.datetime|\.date\(\)|\.datetime\(/;
    const apiDir = path.resolve(__dirname, '../api');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && full !== path.join(apiDir, 'validate.ts')) {
          readFileSync(full, 'utf8').split('\n').forEach((line, index) => {
            if (own.test(line)) offenders.push(`${path.relative(apiDir, full)}:${index + 1}: ${line.trim()}`);
          });
        }
      }
    };
    walk(apiDir);
    expect(offenders).toEqual([]);
  });
});

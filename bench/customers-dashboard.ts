import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { createDb, dropDatabase, ensureDatabase, migrateLatest } from '../db/connection';
import { parseConfig } from '../runtime/config';

/**
 * Customers Dashboard at scale: a dealer with 50,000 accounts (and a second dealer sharing
 * the tables), timed end to end through the HTTP API as the console calls it. Prints
 * p50/p95/p99 per request shape. Target: first page p95 < 100 ms.
 *
 *   npx tsx bench/customers-dashboard.ts            (temporary database on local PostgreSQL)
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/customers-dashboard.ts
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50_000);
const OTHER_DEALER_ACCOUNTS = Number(process.env.BENCH_OTHER_ACCOUNTS ?? 20_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const PASSWORD = 'Bench-password-2026!';

async function seedDealer(db: ReturnType<typeof createDb>, slug: string, accounts: number): Promise<string> {
  const [dealer] = await db('dealers').insert({ name: `Bench ${slug}`, slug, integration_mode: 'spruce' }).returning('id');
  await db.raw(
    `insert into customer_accounts (dealer_id, erp_account_id, name, account_type, status, credit_limit_cents)
     select :dealer, 'C' || lpad(g::text, 6, '0'),
       (array['Alder','Birch','Cedar','Dogwood','Elm','Fir','Ginkgo','Hemlock','Ironwood','Juniper','Kauri','Larch','Maple','Nutmeg','Oak','Pine','Quince','Redwood','Spruce','Teak'])[1 + g % 20]
         || ' ' || (array['Framing','Builders','Contractors','Decks','Exteriors','Finishing','Glass','Homes','Interiors','Joinery','Kitchens','Landscaping','Masonry','Roofing','Siding'])[1 + (g / 20) % 15]
         || ' ' || g,
       case when g % 10 = 0 then 'cash' when g % 97 = 0 then 'system' else 'credit' end,
       case when g % 17 = 0 then 'inactive' else 'active' end,
       case when g % 3 = 0 then (1 + g % 50) * 100000 else null end
     from generate_series(1, :count) g`,
    { dealer: dealer.id, count: accounts },
  );
  // Deterministic pseudo-random statistics (upserted over the placeholder rows new accounts get): most accounts owe a little, some a lot, some are late.
  await db.raw(
    `insert into account_stats (customer_account_id, dealer_id, outstanding_cents, current_cents, past_due_cents,
       aging_1_30_cents, aging_31_60_cents, aging_61_90_cents, aging_91_plus_cents, debit_adjustments_cents, credit_adjustments_cents,
       discounts_cents, open_invoice_count, current_invoice_count, past_due_invoice_count, weighted_days_overdue_x100,
       collection_priority, priority_components, as_of)
     select id, dealer_id, c + a1 + a2 + a3 + a4, c, a1 + a2 + a3 + a4, a1, a2, a3, a4, (h % 7) * 1500, (h % 11) * 900, (h % 13) * 100,
       1 + h % 9, 1 + h % 5, h % 4, (h % 9000), (h % 11), '{"components":[{"key":"aging_mix","tenths":20,"maxTenths":45,"label":"aging"}]}'::jsonb, current_date
     from (select id, dealer_id, h, (h % 500000) as c,
             case when h % 3 = 0 then (h % 90000) else 0 end as a1, case when h % 5 = 0 then (h % 70000) else 0 end as a2,
             case when h % 7 = 0 then (h % 50000) else 0 end as a3, case when h % 11 = 0 then (h % 40000) else 0 end as a4
           from (select id, dealer_id, abs(hashtext(id::text)) as h from customer_accounts where dealer_id = :dealer) x) y
     on conflict (customer_account_id) do update set
       outstanding_cents = excluded.outstanding_cents, current_cents = excluded.current_cents, past_due_cents = excluded.past_due_cents,
       aging_1_30_cents = excluded.aging_1_30_cents, aging_31_60_cents = excluded.aging_31_60_cents, aging_61_90_cents = excluded.aging_61_90_cents,
       aging_91_plus_cents = excluded.aging_91_plus_cents, debit_adjustments_cents = excluded.debit_adjustments_cents,
       credit_adjustments_cents = excluded.credit_adjustments_cents, discounts_cents = excluded.discounts_cents,
       open_invoice_count = excluded.open_invoice_count, current_invoice_count = excluded.current_invoice_count,
       past_due_invoice_count = excluded.past_due_invoice_count, weighted_days_overdue_x100 = excluded.weighted_days_overdue_x100,
       collection_priority = excluded.collection_priority, priority_components = excluded.priority_components`,
    { dealer: dealer.id },
  );
  await db.raw(
    `insert into invitations (dealer_id, customer_account_id, email, token_hash, status, expires_at, created_at)
     select dealer_id, id, 'ap+' || erp_account_id || '@customer.test', md5(id::text || :slug),
       (array['pending','accepted','declined','expired'])[1 + abs(hashtext(id::text)) % 4],
       now() + interval '3 days', now()
     from customer_accounts where dealer_id = :dealer and abs(hashtext(erp_account_id)) % 10 < 3`,
    { dealer: dealer.id, slug },
  );
  return dealer.id;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const temporary = !process.env.BENCH_DATABASE_URL;
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? adminUrl.replace(/\/postgres$/, `/drypowder_bench_${process.pid}`);
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, { max: 10 });
  try {
    await migrateLatest(db);
    const seeded = Date.now();
    const dealerId = await seedDealer(db, `bench-${process.pid}`, ACCOUNTS);
    await seedDealer(db, `bench-other-${process.pid}`, OTHER_DEALER_ACCOUNTS);
    // The steady state autovacuum leaves: statistics current, visibility map set.
    await db.raw('vacuum analyze');
    const email = `bench-${process.pid}@dealer.test`;
    await db('operator_users').insert({ dealer_id: dealerId, email, name: 'Bench', role: 'admin', status: 'active', password_hash: await hashPassword(PASSWORD) });
    process.stdout.write(`seeded ${ACCOUNTS} + ${OTHER_DEALER_ACCOUNTS} accounts in ${Date.now() - seeded} ms\n`);

    // The dashboard never talks to Temporal; a lazy connection satisfies the app's dependencies.
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const config = parseConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
    const server = createApp({ db, temporal, config }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/operator`;
    const signIn = await fetch(`${base}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;

    const q = (params: Record<string, unknown>) => `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, JSON.stringify(v)])).toString()}`;
    const shapes: Array<[string, string]> = [
      ['first page, default sort (priority desc)', `/customers${q({ range: [0, 24] })}`],
      ['first page, priority asc', `/customers${q({ sort: ['collection_priority', 'ASC'], range: [0, 24] })}`],
      ['first page, name asc', `/customers${q({ sort: ['name', 'ASC'], range: [0, 24] })}`],
      ['first page, outstanding desc', `/customers${q({ sort: ['outstanding_cents', 'DESC'], range: [0, 24] })}`],
      ['first page, aging 91+ desc', `/customers${q({ sort: ['aging_91_plus_cents', 'DESC'], range: [0, 24] })}`],
      ['search by name "birch fr"', `/customers${q({ filter: { q: 'birch fr' }, range: [0, 24] })}`],
      ['search by account number', `/customers${q({ filter: { q: 'C012345' }, range: [0, 24] })}`],
      ['filter invitation pending', `/customers${q({ filter: { invitation_status: 'pending' }, range: [0, 24] })}`],
      ['sort by invitation status', `/customers${q({ sort: ['invitation_status', 'ASC'], range: [0, 24] })}`],
      ['filter aging 91+ & over limit', `/customers${q({ filter: { aging_bucket: '91_plus', over_credit_limit: true }, range: [0, 24] })}`],
      ['page 100 (rows 2475-2499)', `/customers${q({ range: [2475, 2499] })}`],
      ['stats panel, no filter', `/customers/summary`],
      ['stats panel, active + 61-90', `/customers/summary${q({ filter: { status: 'active', aging_bucket: '61_90' } })}`],
    ];
    process.stdout.write(`\n${'request'.padEnd(42)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)}  rows/total\n`);
    for (const [label, path] of shapes) {
      const timings: number[] = [];
      let summary = '';
      for (let i = 0; i < ITERATIONS + 10; i++) {
        const started = performance.now();
        const response = await fetch(`${base}${path}`, { headers: { cookie } });
        const body = (await response.json()) as unknown;
        const elapsed = performance.now() - started;
        if (response.status !== 200) throw new Error(`${label}: HTTP ${response.status} ${JSON.stringify(body)}`);
        if (i >= 10) timings.push(elapsed);
        summary = Array.isArray(body) ? `${body.length}/${response.headers.get('content-range')?.split('/')[1]}` : `${(body as { account_count: number }).account_count} accounts`;
      }
      timings.sort((a, b) => a - b);
      const fmt = (value: number) => `${value.toFixed(1)}ms`.padStart(8);
      process.stdout.write(`${label.padEnd(42)} ${fmt(percentile(timings, 50))} ${fmt(percentile(timings, 95))} ${fmt(percentile(timings, 99))}  ${summary}\n`);
    }
    server.close();
  } finally {
    await db.destroy();
    if (temporary) await dropDatabase(databaseUrl);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

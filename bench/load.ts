import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../api/auth/passwords';
import type { Db } from '../db/connection';
import { createMoovClient } from '../integrations/moov';
import { dealerProcessorAccount } from '../services/payment-methods';
import { figure } from './lib/figures';
import { createBenchDatabase, parseArgs, root, type BenchEnv, type Stoppable } from './lib/infra';
import { startPaymentEmulatorsProcess } from './lib/payment-emulators';
import { linkBankAsPortal } from './lib/portal-bank-link';
import { BENCH_PASSWORD, createBenchDealer, seedAccounts, seedInvoices } from './lib/receivables-seed';
import { BENCH_SECRETS, freePort, signIn, startProduct } from './lib/services';
import { runStandalone, type BenchResult } from './lib/standalone';
import { distribution, loadAverage, perSecond } from './lib/stats';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';

/**
 * Mixed load on the real API process (loopback only, bounded in time): `users` portal
 * customers, each signed in with open invoices and a bank account linked through Plaid,
 * browse (suppliers, Outstanding, a quote of one invoice, payment history and a payment's
 * detail) and pay, with think time between clicks, while `operators` console users list and
 * filter customers and payments. The worker and the Moov emulator (own processes) carry the
 * payments on. Reports throughput, p50/p99 latency per route group and overall, and the
 * error rate (anything but the expected 2xx, or no answer). Goals (issue 8): zero errors,
 * p99 under 300 ms.
 *
 * The API's per-address sign-in limit (api/auth/rate-limit.ts) would refuse 200 sign-ins from
 * one loopback address; the run raises AUTH_RATE_LIMIT_PER_IP for its own API process only.
 *
 *   npm run load                                  200 users, 5 operators, 60 s
 *   npm run load -- --seconds 15 --users 50       a quick run
 *   options: --operators N  --think-ms MIN,MAX  --accounts N (the dealer's book behind the console lists)
 */
export interface LoadOptions {
  users: number;
  operators: number;
  seconds: number;
  thinkMs: [number, number];
  /** Accounts in the dealer's book besides the portal customers' (what the console lists). */
  accounts: number;
}

type Group = 'portal_browse' | 'portal_quote' | 'portal_pay' | 'portal_history' | 'operator_customers' | 'operator_payments';

interface Sample {
  group: Group;
  ms: number;
  ok: boolean;
  at: number;
}

interface Failure {
  group: Group;
  route: string;
  status: number;
  body: string;
}

interface PortalUser {
  accountId: string;
  cookie: string;
  csrfToken: string;
  methodId: string;
  invoices: string[];
  paymentIds: string[];
}

const WEBHOOK_SECRET = 'load-moov-webhook-secret-0123456789';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = ([min, max]: [number, number]) => min + Math.floor(Math.random() * (max - min + 1));

export async function measureLoad(env: BenchEnv, options: LoadOptions): Promise<BenchResult> {
  const say = env.log;
  if (!env.temporalAddress) throw new Error('the load run needs a Temporal server (payments start workflows)');
  const stops: Stoppable[] = [];
  try {
    const database = await createBenchDatabase(env.adminUrl, 'load', { max: 10 });
    stops.push(database);
    const { db } = database;
    const apiPort = await freePort();
    const emulators = await startPaymentEmulatorsProcess({ webhookUrl: `http://127.0.0.1:${apiPort}/webhooks/moov`, webhookSecret: WEBHOOK_SECRET, label: 'load', moovSecretKey: BENCH_SECRETS.MOOV_SECRET_KEY, plaidSecret: BENCH_SECRETS.PLAID_SECRET });
    stops.push(emulators);
    const product = await startProduct({
      label: 'load', databaseUrl: database.url, temporalAddress: env.temporalAddress, workflowBundlePath: env.workflowBundlePath, apiPort,
      env: {
        MOOV_URL: emulators.moovUrl, PLAID_URL: emulators.plaidUrl, MOOV_WEBHOOK_SECRET: WEBHOOK_SECRET,
        // Every user signs in from 127.0.0.1; the product default (30 per 15 minutes) stays as it is.
        AUTH_RATE_LIMIT_PER_IP: String((options.users + options.operators) * 2 + 50),
      },
    });
    stops.push(product);
    const apiUrl = product.apiUrl;
    say(`API ${apiUrl} (logs: ${[...product.logs, emulators.log].join(', ')})`);

    const seedStarted = Date.now();
    const slug = `load-${process.pid}-${Date.now().toString(36)}`;
    const dealerId = await createBenchDealer(db, slug, { integration_mode: 'file', fee_payer: 'dealer' });
    await dealerProcessorAccount(db, createMoovClient({ MOOV_URL: emulators.moovUrl, MOOV_PUBLIC_KEY: 'moov-dev-public', MOOV_SECRET_KEY: BENCH_SECRETS.MOOV_SECRET_KEY, MOOV_FACILITATOR_ACCOUNT_ID: 'acct_drypowder_facilitator' }), dealerId);
    await seedAccounts(db, dealerId, options.accounts);
    await seedInvoices(db, dealerId, 10);
    const invoicesPerUser = Math.max(30, Math.ceil(options.seconds / 3));
    const users = await seedPortalUsers(db, dealerId, options.users, invoicesPerUser, slug);
    const operatorEmails = await seedOperators(db, dealerId, options.operators, slug);
    const { refreshDealerAccountStats } = await import('../db/account-stats');
    await refreshDealerAccountStats(db, dealerId, new Date());
    await db.raw('vacuum analyze');
    say(`book: ${options.accounts} accounts with 10 invoices each, ${options.users} portal customers with ${invoicesPerUser} open invoices each, ${options.operators} operators (${((Date.now() - seedStarted) / 1000).toFixed(1)} s)`);

    const signInStarted = Date.now();
    const portalUsers: PortalUser[] = [];
    for (let i = 0; i < users.length; i += 20) {
      portalUsers.push(...(await Promise.all(users.slice(i, i + 20).map(async (user) => {
        const session = await signIn(apiUrl, 'portal', user.email, BENCH_PASSWORD);
        return { accountId: user.accountId, ...session, methodId: await linkBankAsPortal(portalPoster(apiUrl, session), emulators.plaidUrl), invoices: user.invoices, paymentIds: [] };
      }))));
    }
    const operatorSessions = await Promise.all(operatorEmails.map((email) => signIn(apiUrl, 'operator', email, BENCH_PASSWORD)));
    say(`${portalUsers.length} customers signed in with a bank account linked, ${operatorSessions.length} operators signed in (${((Date.now() - signInStarted) / 1000).toFixed(1)} s)`);

    const samples: Sample[] = [];
    const failures: Failure[] = [];
    let measuring = false;
    const request = async (group: Group, route: string, url: string, init: RequestInit, expect: number[] = [200]): Promise<any> => {
      const started = performance.now();
      let status = 0;
      let text = '';
      try {
        const response = await fetch(`${apiUrl}${url}`, { ...init, signal: AbortSignal.timeout(30_000) });
        status = response.status;
        text = await response.text();
      } catch (error) {
        text = error instanceof Error ? error.message : String(error);
      }
      const ms = performance.now() - started;
      const ok = expect.includes(status);
      if (measuring) {
        samples.push({ group, ms, ok, at: Date.now() });
        if (!ok) failures.push({ group, route, status, body: text.slice(0, 300) });
      }
      if (!ok) return undefined;
      return text ? JSON.parse(text) : null;
    };
    const portalGet = (user: PortalUser, group: Group, route: string, url: string) => request(group, route, url, { headers: { cookie: user.cookie } });
    const portalPost = (user: PortalUser, group: Group, route: string, url: string, body: unknown, headers: Record<string, string> = {}, expect = [200]) =>
      request(group, route, url, { method: 'POST', headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }, expect);

    /** One visit: the supplier list, what is owed, a quote for one invoice, maybe paying it, then the history and the latest payment. */
    const visit = async (user: PortalUser, pay: boolean, think: () => Promise<void>) => {
      await portalGet(user, 'portal_browse', 'GET /api/portal/dealers', '/api/portal/dealers');
      await think();
      await portalGet(user, 'portal_browse', 'GET /api/portal/outstanding', `/api/portal/outstanding?dealerId=${dealerId}&view=all`);
      await think();
      const invoiceId = user.invoices[0];
      if (invoiceId) {
        const selection = { dealerId, customerAccountId: user.accountId, paymentMethodId: user.methodId, sourceView: 'all', items: [{ type: 'invoice', id: invoiceId }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION };
        await portalPost(user, 'portal_quote', 'POST /api/portal/payments/preview', '/api/portal/payments/preview', selection);
        if (pay) {
          await think();
          user.invoices.shift();
          const paid = await portalPost(user, 'portal_pay', 'POST /api/portal/payments', '/api/portal/payments', selection, { 'idempotency-key': `load-${randomUUID()}` }, [201]);
          if (paid) user.paymentIds.unshift(paid.payment.id);
        }
      }
      await think();
      await portalGet(user, 'portal_history', 'GET /api/portal/payments', '/api/portal/payments?limit=200');
      if (user.paymentIds[0]) {
        await think();
        await portalGet(user, 'portal_history', 'GET /api/portal/payments/:id', `/api/portal/payments/${user.paymentIds[0]}`);
      }
    };

    const OPERATOR_VIEWS: Array<[Group, string, string]> = [
      ['operator_customers', 'GET /api/operator/customers', `/api/operator/customers?sort=${enc(['collection_priority', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({})}`],
      ['operator_customers', 'GET /api/operator/customers (search)', `/api/operator/customers?sort=${enc(['name', 'ASC'])}&range=${enc([0, 24])}&filter=${enc({ q: 'Maple' })}`],
      ['operator_customers', 'GET /api/operator/customers (aging filter)', `/api/operator/customers?sort=${enc(['outstanding_cents', 'DESC'])}&range=${enc([25, 49])}&filter=${enc({ aging_bucket: '31_60', status: 'active' })}`],
      ['operator_customers', 'GET /api/operator/customers/summary', `/api/operator/customers/summary?filter=${enc({ status: 'active' })}`],
      ['operator_payments', 'GET /api/operator/payments', `/api/operator/payments?sort=${enc(['submitted_at', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({})}`],
      ['operator_payments', 'GET /api/operator/payments (status filter)', `/api/operator/payments?sort=${enc(['amount_cents', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({ status: ['pending', 'settled'], method: 'ach' })}`],
      ['operator_payments', 'GET /api/operator/payments (search)', `/api/operator/payments?sort=${enc(['submitted_at', 'DESC'])}&range=${enc([0, 24])}&filter=${enc({ q: 'P-1' })}`],
    ];

    // Warm-up: every route once per session, unmeasured.
    await Promise.all(portalUsers.map((user) => visit(user, false, async () => undefined)));
    for (const operator of operatorSessions) for (const [group, route, url] of OPERATOR_VIEWS) await request(group, route, url, { headers: { cookie: operator.cookie } });

    const loadBefore = loadAverage();
    const cpuBefore = { ...product.cpuMs(), emulators: emulators.cpuMs() };
    measuring = true;
    const started = Date.now();
    const endsAt = started + options.seconds * 1000;
    const running = () => Date.now() < endsAt;
    const think = () => sleep(between(options.thinkMs));
    const payingVisits = { total: 0 };
    // The floor under the same load: the API's cheapest route, once every 200 ms.
    const probe: number[] = [];
    const driverCpuBefore = process.cpuUsage();
    await Promise.all([
      (async () => {
        while (running()) {
          const t0 = performance.now();
          await fetch(`${apiUrl}/healthz`).then((r) => r.arrayBuffer()).catch(() => undefined);
          probe.push(performance.now() - t0);
          await sleep(200);
        }
      })(),
      ...portalUsers.map(async (user, i) => {
        // Arrivals spread over the first think time rather than all at once.
        await sleep((i * options.thinkMs[1]) / portalUsers.length);
        let visits = 0;
        while (running()) {
          // A third of the visits end in a payment, staggered so some users pay on their first.
          const pay = (visits + i) % 3 === 0;
          if (pay) payingVisits.total += 1;
          await visit(user, pay, async () => {
            if (running()) await think();
          });
          visits += 1;
          if (running()) await think();
        }
      }),
      ...operatorSessions.map(async (operator, o) => {
        let n = o;
        while (running()) {
          const [group, route, url] = OPERATOR_VIEWS[n++ % OPERATOR_VIEWS.length]!;
          await request(group, route, url, { headers: { cookie: operator.cookie } });
          if (running()) await sleep(between([options.thinkMs[0] * 2, options.thinkMs[1] * 2]));
        }
      }),
    ]);
    measuring = false;
    const elapsedMs = Date.now() - started;
    const loadAfter = loadAverage();
    const driverCpu = process.cpuUsage(driverCpuBefore);
    const floor = distribution(probe);
    const cpuAfter = { ...product.cpuMs(), emulators: emulators.cpuMs() };

    const groups = [...new Set(samples.map((s) => s.group))].sort();
    const byGroup = Object.fromEntries(groups.map((group) => {
      const own = samples.filter((s) => s.group === group);
      return [group, { ...distribution(own.map((s) => s.ms)), errors: own.filter((s) => !s.ok).length, per_s: perSecond(own.length, elapsedMs) }];
    }));
    const overall = { ...distribution(samples.map((s) => s.ms)), errors: samples.filter((s) => !s.ok).length, per_s: perSecond(samples.length, elapsedMs) };
    const errorRate = samples.length ? Math.round((overall.errors / samples.length) * 100_000) / 1000 : 0;
    const payments = samples.filter((s) => s.group === 'portal_pay' && s.ok).length;
    const cpuSeconds = Object.fromEntries((['api', 'worker', 'emulators'] as const).map((role) => [role, Math.round((cpuAfter[role] - cpuBefore[role]) / 100) / 10]));

    say(`${samples.length} requests in ${(elapsedMs / 1000).toFixed(1)} s = ${overall.per_s}/s; p50 ${overall.p50} ms, p99 ${overall.p99} ms; ${overall.errors} errors (${errorRate} %); ${payments} payments submitted`);
    for (const group of groups) {
      const g = byGroup[group]!;
      say(`  ${group.padEnd(20)} ${String(g.n).padStart(6)} requests  ${String(g.per_s).padStart(6)}/s  p50 ${String(g.p50).padStart(7)} ms  p99 ${String(g.p99).padStart(7)} ms  errors ${g.errors}`);
    }
    const driverCpuSeconds = Math.round((driverCpu.user + driverCpu.system) / 100_000) / 10;
    say(`floor under the same load, GET /healthz: p50 ${floor.p50} ms, p99 ${floor.p99} ms (${floor.n} probes)`);
    say(`CPU during the run: API ${cpuSeconds.api} s, worker ${cpuSeconds.worker} s, emulators ${cpuSeconds.emulators} s, load generator ${driverCpuSeconds} s of ${(elapsedMs / 1000).toFixed(0)} s; load average ${loadBefore.join(' ')} → ${loadAfter.join(' ')}`);
    if (failures.length) say(`first errors: ${failures.slice(0, 5).map((f) => `${f.route} → ${f.status} ${f.body.slice(0, 120)}`).join(' | ')}`);

    const scale = `${options.users} users, ${options.operators} operators, ${options.seconds} s`;
    return {
      figures: [
        figure({ benchmark: 'load', key: 'load_requests_per_s', label: 'Mixed portal and console load, throughput', scale, value: overall.per_s, unit: 'req/s' }),
        figure({ benchmark: 'load', key: 'load_p50_ms', label: 'Mixed load, p50 latency (all routes)', scale, value: overall.p50, unit: 'ms' }),
        figure({
          benchmark: 'load', key: 'load_p99_ms', label: 'Mixed load, p99 latency (all routes)', scale, value: overall.p99, unit: 'ms', goal: { op: '<=', value: 300, source: 'issue 8' },
          baseline: { label: 'GET /healthz under the same load, p99', value: floor.p99, unit: 'ms' },
        }),
        figure({ benchmark: 'load', key: 'load_error_rate_pct', label: 'Mixed load, error rate', scale, value: errorRate, unit: '%', goal: { op: '=', value: 0, source: 'issue 8' } }),
        ...groups.map((group) => figure({ benchmark: 'load', key: `load_${group}_p99_ms`, label: `Mixed load, p99 of ${group.replace('_', ' ')}`, scale, value: byGroup[group]!.p99, unit: 'ms', goal: { op: '<=', value: 300, source: 'issue 8' } })),
      ],
      detail: {
        options, seconds: Math.round(elapsedMs / 100) / 10, requests: samples.length, overall, error_rate_pct: errorRate, by_group: byGroup, payments_submitted: payments,
        paying_visits: payingVisits.total, cpu_seconds: { ...cpuSeconds, load_generator: driverCpuSeconds }, healthz_floor_ms: floor, load_average: { before: loadBefore, after: loadAfter }, errors: failures.slice(0, 50),
      },
    };
  } finally {
    for (const stop of stops.reverse()) await stop.stop().catch((error: Error) => env.log(`cleanup: ${error.message}`));
  }
}

const enc = (value: unknown) => encodeURIComponent(JSON.stringify(value));

/** Customer accounts of their own (so their invoices are clear of the Moov emulator's magic amounts), each linked to a portal login. */
async function seedPortalUsers(db: Db, dealerId: string, count: number, invoicesPerUser: number, slug: string): Promise<Array<{ accountId: string; email: string; invoices: string[] }>> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const users: Array<{ accountId: string; email: string; invoices: string[] }> = [];
  for (let u = 0; u < count; u++) {
    const [account] = await db('customer_accounts').insert({ dealer_id: dealerId, erp_account_id: `LOAD-${String(u + 1).padStart(4, '0')}`, name: `Load Builder ${u + 1}` }).returning('id');
    const { rows } = await db.raw(
      `insert into invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status)
       select ?, ?, 'LOAD-' || ? || '-' || g, date '2026-10-01' + g, date '2026-11-30' + g, 10000 + (g * 7919) % 900000, 10000 + (g * 7919) % 900000, 'open'
       from generate_series(1, ?) g returning id`,
      [dealerId, account.id, u + 1, invoicesPerUser],
    );
    const [company] = await db('customer_companies').insert({ name: `Load Builder ${u + 1} LLC` }).returning('id');
    const email = `ap-${u + 1}-${slug}@contractor.test`;
    await db('portal_users').insert({ company_id: company.id, email, name: 'Pat Payables', password_hash: passwordHash, terms_version: '2026-01', terms_accepted_at: db.fn.now() });
    await db('company_account_links').insert({ company_id: company.id, dealer_id: dealerId, customer_account_id: account.id });
    users.push({ accountId: account.id, email, invoices: rows.map((row: { id: string }) => row.id) });
  }
  return users;
}

async function seedOperators(db: Db, dealerId: string, count: number, slug: string): Promise<string[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const emails = Array.from({ length: count }, (_, o) => `ops-${o + 1}-${slug}@dealer.test`);
  await db('operator_users').insert(emails.map((email, o) => ({ dealer_id: dealerId, email, name: `Operator ${o + 1}`, role: 'ar_operator', status: 'active', password_hash: passwordHash })));
  return emails;
}

/** A signed-in customer's POST to our API, failing on anything but 2xx. */
function portalPoster(apiUrl: string, session: { cookie: string; csrfToken: string }) {
  return async (route: string, body: unknown = {}) => {
    const response = await fetch(`${apiUrl}${route}`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, any>>;
  };
}

if (require.main === module) {
  const args = parseArgs();
  const [thinkMin, thinkMax] = (args.get('think-ms') ?? '500,1500').split(',').map(Number) as [number, number];
  const options: LoadOptions = {
    users: Number(args.get('users') ?? 200),
    operators: Number(args.get('operators') ?? 5),
    seconds: Number(args.get('seconds') ?? 60),
    thinkMs: [thinkMin, thinkMax],
    accounts: Number(args.get('accounts') ?? 5_000),
  };
  runStandalone('load', { temporal: true, bundle: true }, async (env) => {
    const result = await measureLoad(env, options);
    const outDir = path.join(root, 'bench/out');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ benchmark: 'load', ...result }, null, 2)}\n`);
    env.log(`written to ${path.relative(root, file)}`);
    return result;
  });
}

import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../api/auth/passwords';
import { createMoovClient } from '../integrations/moov';
import { dealerProcessorAccount } from '../services/payment-methods';
import { httpRoundTrips } from './lib/baselines';
import { figure } from './lib/figures';
import { createBenchDatabase, parseArgs, waitFor, type BenchEnv, type Stoppable } from './lib/infra';
import { startPaymentEmulatorsProcess } from './lib/payment-emulators';
import { RUN_SECRETS } from './lib/run-secrets';
import { invoicesPerCustomer, openLoopSubmissions, shareOf } from './lib/payment-phases';
import { freePort, signIn, startProduct } from './lib/services';
import { runStandalone, type BenchResult } from './lib/standalone';
import { distribution, perSecond } from './lib/stats';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';
import { runNoop } from '../workflows/noop-client';

/**
 * Payments through the portal API, end to end on real parts: `POST /api/portal/payments`
 * (quote, reserve, start `payment-<id>`) on the API in its own process; the payment workflow
 * on the worker in its own process; the Moov emulator (own process, clearing every transfer
 * at once) reached through @moovio/sdk and delivering signed webhooks back to the API.
 *
 *   1. no-op baseline: `noopWorkflow` started and completed on the same server and worker;
 *   2. throughput: `concurrency` customers each submit payments back to back (closed loop):
 *      submissions/s, API latency, and full lifecycles (submitted → Settled) per second;
 *   3. latency at the goal rate: submissions arrive at `rate`/s on a fixed schedule (open
 *      loop, as independent customers would) for `rateSeconds`: p50/p99 API latency.
 * Goals (issue 4): ≥ 100 submissions/s with p99 < 150 ms; ≥ 50 full lifecycles/s.
 *
 *   npx tsx bench/payments.ts
 *   npx tsx bench/payments.ts --payments 200 --rate-seconds 3 --noop 100     (a quick run)
 */
export interface PaymentsOptions {
  /** Customers submitting at once in the throughput phase (one each, back to back). */
  concurrency: number;
  /** Payments in the throughput phase. */
  payments: number;
  /** Arrival rate and duration of the latency phase. */
  rate: number;
  rateSeconds: number;
  /** No-op workflows for the baseline. */
  noop: number;
  /** Payments per customer before measuring (default 5). */
  warmUp?: number;
  /** Wait for the latency phase's payments to settle before stopping (default true; a quick run skips it). */
  settleLatencyPhase?: boolean;
}

const WEBHOOK_SECRET = 'bench-moov-webhook-secret-0123456789';

interface Customer {
  accountId: string;
  cookie: string;
  csrfToken: string;
  methodId: string;
  invoices: string[];
}

interface Submission {
  ms: number;
  status: number;
  paymentId?: string;
  error?: string;
}


/** What a payment's lifecycle costs the Temporal server: history events by kind, averaged over a few settled payments. */
async function lifecycleHistory(temporal: Client, paymentIds: string[]) {
  const counts = { workflows: paymentIds.length, events: 0, workflow_tasks: 0, activities: 0, local_activities: 0, signals: 0, timers: 0 };
  for (const id of paymentIds) {
    const history = await temporal.workflow.getHandle(`payment-${id}`).fetchHistory();
    for (const event of history.events ?? []) {
      counts.events += 1;
      if (event.workflowTaskCompletedEventAttributes) counts.workflow_tasks += 1;
      if (event.activityTaskScheduledEventAttributes) counts.activities += 1;
      // A local activity leaves no task events, only the marker holding its result.
      if (event.markerRecordedEventAttributes?.markerName === 'core_local_activity') counts.local_activities += 1;
      if (event.workflowExecutionSignaledEventAttributes) counts.signals += 1;
      if (event.timerStartedEventAttributes) counts.timers += 1;
    }
  }
  const mean = (value: number) => Math.round((value / Math.max(1, paymentIds.length)) * 10) / 10;
  return { workflows: counts.workflows, events: mean(counts.events), workflow_tasks: mean(counts.workflow_tasks), activities: mean(counts.activities), local_activities: mean(counts.local_activities), signals: mean(counts.signals), timers: mean(counts.timers) };
}

/**
 * PostgreSQL's own totals for the benchmark's database, less what the benchmark itself sent
 * (each of its statements is a transaction of its own). A backend reports its counts at most
 * once a second when busy and within ten seconds when idle, so the reading waits for that first.
 */
async function databaseCounters(db: Knex, own: { statements: number }): Promise<{ transactions: number; rowsWritten: number }> {
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const sentBefore = own.statements;
  const { rows } = await db.raw(
    `select pg_stat_clear_snapshot(), xact_commit + xact_rollback as transactions, tup_inserted + tup_updated + tup_deleted as rows_written
     from pg_stat_database where datname = current_database()`,
  );
  const row = rows[0] as { transactions: string; rows_written: string };
  return { transactions: Number(row.transactions) - sentBefore, rowsWritten: Number(row.rows_written) };
}

export async function measurePayments(env: BenchEnv, options: PaymentsOptions): Promise<BenchResult> {
  const say = env.log;
  if (!env.temporalAddress) throw new Error('the payments benchmark needs a Temporal server');
  const stops: Stoppable[] = [];
  try {
    const database = await createBenchDatabase(env.adminUrl, 'payments', { max: 10 });
    stops.push(database);
    const { db } = database;
    const own = { statements: 0 };
    db.on('query', () => {
      own.statements += 1;
    });
    const apiPort = await freePort();
    const emulators = await startPaymentEmulatorsProcess({ webhookUrl: `http://127.0.0.1:${apiPort}/webhooks/moov`, webhookSecret: WEBHOOK_SECRET, label: 'payments' });
    stops.push(emulators);
    const product = await startProduct({
      label: 'payments', databaseUrl: database.url, temporalAddress: env.temporalAddress, workflowBundlePath: env.workflowBundlePath, apiPort,
      env: { MOOV_URL: emulators.moovUrl, PLAID_URL: emulators.plaidUrl, MOOV_WEBHOOK_SECRET: WEBHOOK_SECRET, SMTP_URL: emulators.smtpUrl },
    });
    stops.push(product);
    const apiUrl = product.apiUrl;
    say(`API ${apiUrl}, Moov ${emulators.moovUrl}, Plaid ${emulators.plaidUrl} (logs: ${[...product.logs, emulators.log].join(', ')})`);

    // A file-based dealer absorbing its fees (the charge equals the invoice), its Moov account, and the paying customers.
    const [dealer] = await db('dealers').insert({ name: 'Bench Payments Lumber', slug: `bench-payments-${process.pid}`, integration_mode: 'file', fee_payer: 'dealer', time_zone: 'America/Chicago' }).returning('id');
    await dealerProcessorAccount(db, createMoovClient({ MOOV_URL: emulators.moovUrl, MOOV_PUBLIC_KEY: 'moov-dev-public', MOOV_SECRET_KEY: RUN_SECRETS.MOOV_SECRET_KEY, MOOV_FACILITATOR_ACCOUNT_ID: 'acct_drypowder_facilitator' }), dealer.id);
    const password = 'Bench-password-2026!';
    const passwordHash = await hashPassword(password);
    const warmUp = options.warmUp ?? 5;
    // Every phase hands each customer a fixed share; the invoices made here cover all of them with a margin.
    const phases = { concurrency: options.concurrency, payments: options.payments, rate: options.rate, rateSeconds: options.rateSeconds, warmUp };
    const scheduled = openLoopSubmissions(phases);
    const closedLoopShare = (c: number) => shareOf(options.payments, options.concurrency, c);
    const perCustomer = invoicesPerCustomer(phases);
    const setupStarted = Date.now();
    const customers = await Promise.all(Array.from({ length: options.concurrency }, async (_, c): Promise<Customer> => {
      const [account] = await db('customer_accounts').insert({ dealer_id: dealer.id, erp_account_id: `PAY-${String(c + 1).padStart(4, '0')}`, name: `Paying Builder ${c + 1}` }).returning('id');
      const { rows } = await db.raw(
        `insert into invoices (dealer_id, customer_account_id, invoice_number, invoice_date, due_date, amount_cents, balance_cents, status)
         select ?, ?, 'PAY-' || ? || '-' || g, date '2026-10-01', date '2026-11-30', 10000 + (g * 7919) % 900000, 10000 + (g * 7919) % 900000, 'open'
         from generate_series(1, ?) g returning id`,
        [dealer.id, account.id, c + 1, perCustomer],
      );
      const [company] = await db('customer_companies').insert({ name: `Paying Builder ${c + 1} LLC` }).returning('id');
      const email = `ap-${c + 1}-${process.pid}@contractor.test`;
      await db('portal_users').insert({ company_id: company.id, email, name: 'Pat Payables', password_hash: passwordHash, terms_version: '2026-01', terms_accepted_at: db.fn.now() });
      await db('company_account_links').insert({ company_id: company.id, dealer_id: dealer.id, customer_account_id: account.id });
      const session = await signIn(apiUrl, 'portal', email, password);
      const post = async (path: string, body: unknown = {}) => {
        const response = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
        return response.json() as Promise<Record<string, any>>;
      };
      // The bank link as the portal does it: a link token, the Plaid Link page's answer, the exchange.
      const { linkToken } = await post('/api/portal/payment-methods/plaid/link-token');
      const linked = await fetch(`${emulators.plaidUrl}/link/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ link_token: linkToken, selection: 'ins_dp_prairie:checking' }) });
      const link = (await linked.json()) as { public_token: string; metadata: { accounts: Array<{ id: string }> } };
      const method = await post('/api/portal/payment-methods/plaid/exchange', { publicToken: link.public_token, accountId: link.metadata.accounts[0]!.id });
      return { accountId: account.id, cookie: session.cookie, csrfToken: session.csrfToken, methodId: method.id, invoices: rows.map((row: { id: string }) => row.id) };
    }));
    say(`${customers.length} customers with linked bank accounts and ${perCustomer} open invoices each, ready in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);

    // Never rejects: in the open loop a rejection would surface before Promise.all awaits it and crash the run.
    const submit = async (customer: Customer): Promise<Submission> => {
      const invoiceId = customer.invoices.shift();
      if (!invoiceId) return { ms: 0, status: 0, error: 'the benchmark made too few invoices for this customer' };
      const started = performance.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${apiUrl}/api/portal/payments`, {
          method: 'POST',
          headers: { cookie: customer.cookie, 'x-csrf-token': customer.csrfToken, 'idempotency-key': `bench-${randomUUID()}`, 'content-type': 'application/json' },
          body: JSON.stringify({ dealerId: dealer.id, customerAccountId: customer.accountId, paymentMethodId: customer.methodId, sourceView: 'all', items: [{ type: 'invoice', id: invoiceId }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION }),
        });
        text = await response.text();
      } catch (error) {
        // Offered more than it can take, a server may drop connections: a failed submission, not a failed benchmark.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return { ms: performance.now() - started, status: 0, error: cause?.code ?? cause?.message ?? String(error) };
      }
      const ms = performance.now() - started;
      if (response.status !== 201) return { ms, status: response.status, error: text.slice(0, 300) };
      return { ms, status: 201, paymentId: (JSON.parse(text) as { payment: { id: string } }).payment.id };
    };

    const settledOf = async (ids: string[], timeoutMs: number) => {
      await waitFor(`${ids.length} payments to settle`, async () => {
        const [row] = (await db('payments').whereIn('id', ids).select(db.raw(`count(*) filter (where status in ('settled', 'failed', 'terminated', 'returned'))::int as done`))) as Array<{ done: number }>;
        return row!.done >= ids.length ? true : undefined;
      }, timeoutMs, 250).catch(async (error: Error) => {
        const { rows } = await db.raw(
          `select status, moov_transfer_id is not null as has_transfer, workflow_started_at is not null as started, count(*)::int as n
           from payments where id = any(?::uuid[]) group by 1, 2, 3`,
          [ids],
        );
        throw new Error(`${error.message}; payments by state: ${JSON.stringify(rows)}`);
      });
      const { rows } = await db.raw(
        `select status, extract(epoch from submitted_at) * 1000 as submitted_ms, extract(epoch from settled_at) * 1000 as settled_ms from payments where id = any(?::uuid[])`,
        [ids],
      );
      return rows as Array<{ status: string; submitted_ms: number; settled_ms: number | null }>;
    };

    // Warm-up: every code path loaded, every connection pool filled.
    const warm = await Promise.all(customers.map(async (customer) => {
      const results: Submission[] = [];
      for (let i = 0; i < warmUp; i++) results.push(await submit(customer));
      return results;
    }));
    const warmFailures = warm.flat().filter((result) => result.status !== 201);
    if (warmFailures.length > 0) throw new Error(`warm-up submissions failed: ${warmFailures[0]!.status} ${warmFailures[0]!.error}`);
    await settledOf(warm.flat().map((result) => result.paymentId!), 300_000);
    say(`warm-up: ${warm.flat().length} payments submitted and settled`);

    // 1. The floor: no-op workflows started and completed on the same server and worker.
    const noopStarted = Date.now();
    let noopNext = 0;
    await Promise.all(Array.from({ length: options.concurrency }, async () => {
      while (noopNext < options.noop) {
        noopNext += 1;
        await runNoop(product.temporal, product.taskQueue, { workflowId: `bench-noop-${randomUUID()}` });
      }
    }));
    const noopMs = Date.now() - noopStarted;
    const noopRate = perSecond(options.noop, noopMs);
    say(`no-op workflows: ${options.noop} started and completed in ${noopMs} ms = ${noopRate}/s (${options.concurrency} at a time)`);
    const healthz = await httpRoundTrips(`${apiUrl}/healthz`, 200);
    say(`HTTP round trip to the API (GET /healthz): p50 ${healthz.p50} ms, p99 ${healthz.p99} ms`);

    // 2. Throughput, closed loop.
    // Two scrapes back to back give what one scrape of the API's /metrics sends (it reads the
    // books); the database reading's wait gives what the processes send with no payment at all.
    const scrape = await product.statements();
    const idleStart = await product.statements();
    const scrapeCost = idleStart.api - scrape.api;
    const idleStartedAt = Date.now();
    const databaseBefore = await databaseCounters(db, own);
    const statementsBefore = await product.statements();
    const idleMs = Date.now() - idleStartedAt;
    const idlePerMs = { api: (statementsBefore.api - idleStart.api - scrapeCost) / idleMs, worker: (statementsBefore.worker - idleStart.worker) / idleMs };
    const phaseStartedAt = Date.now();
    const cpuBefore = { ...product.cpuMs(), emulators: emulators.cpuMs() };
    const throughputStarted = Date.now();
    const closedLoop = (await Promise.all(customers.map(async (customer, c) => {
      const results: Submission[] = [];
      for (let i = 0; i < closedLoopShare(c); i++) results.push(await submit(customer));
      return results;
    }))).flat();
    const throughputMs = Date.now() - throughputStarted;
    const accepted = closedLoop.filter((result) => result.status === 201);
    if (accepted.length < closedLoop.length) say(`${closedLoop.length - accepted.length} submissions refused, e.g. ${closedLoop.find((result) => result.status !== 201)!.error}`);
    const submitRate = perSecond(accepted.length, throughputMs);
    const closedLatency = distribution(closedLoop.map((result) => result.ms));
    say(`throughput: ${accepted.length} payments submitted in ${throughputMs} ms = ${submitRate}/s; API latency p50 ${closedLatency.p50} ms, p99 ${closedLatency.p99} ms (${options.concurrency} customers back to back)`);
    const lifecycleRows = await settledOf(accepted.map((result) => result.paymentId!), 900_000);
    const settled = lifecycleRows.filter((row) => row.status === 'settled' && row.settled_ms !== null);
    const firstSubmitted = Math.min(...lifecycleRows.map((row) => Number(row.submitted_ms)));
    const lastSettled = Math.max(...settled.map((row) => Number(row.settled_ms)));
    const lifecycleRate = perSecond(settled.length, lastSettled - firstSubmitted);
    const lifecycleLatency = distribution(settled.map((row) => Number(row.settled_ms) - Number(row.submitted_ms)));
    const cpuAfter = { ...product.cpuMs(), emulators: emulators.cpuMs() };
    const statementsAfter = await product.statements();
    const phaseMs = Date.now() - phaseStartedAt;
    const perPayment = (value: number) => Math.round((value / accepted.length) * 10) / 10;
    const cpuPerPayment = Object.fromEntries((['api', 'worker', 'emulators'] as const).map((role) => [role, perPayment(cpuAfter[role] - cpuBefore[role])]));
    say(`CPU per payment, submit to Settled: API ${cpuPerPayment.api} ms, worker ${cpuPerPayment.worker} ms, Moov/Plaid emulators ${cpuPerPayment.emulators} ms`);
    const statementsPerPayment = {
      api: perPayment(statementsAfter.api - statementsBefore.api - scrapeCost - idlePerMs.api * phaseMs),
      worker: perPayment(statementsAfter.worker - statementsBefore.worker - idlePerMs.worker * phaseMs),
      idle_per_s: { api: Math.round(idlePerMs.api * 10_000) / 10, worker: Math.round(idlePerMs.worker * 10_000) / 10 },
    };
    say(`SQL statements per payment, counted by each process: API ${statementsPerPayment.api} (submission and webhooks), worker ${statementsPerPayment.worker} (the lifecycle); with no payments they send ${statementsPerPayment.idle_per_s.api}/s and ${statementsPerPayment.idle_per_s.worker}/s, subtracted`);
    const databaseAfter = await databaseCounters(db, own);
    const databasePerPayment = {
      transactions: perPayment(databaseAfter.transactions - databaseBefore.transactions),
      rows_written: perPayment(databaseAfter.rowsWritten - databaseBefore.rowsWritten),
    };
    say(`PostgreSQL's own counters per payment (pg_stat_database, the benchmark's polling subtracted): ${databasePerPayment.transactions} transactions, ${databasePerPayment.rows_written} rows written`);
    say(`lifecycles: ${settled.length} of ${lifecycleRows.length} settled within ${Math.round(lastSettled - firstSubmitted)} ms of the first submission = ${lifecycleRate}/s; submitted → Settled p50 ${lifecycleLatency.p50} ms, p99 ${lifecycleLatency.p99} ms`);

    const history = await lifecycleHistory(product.temporal, accepted.slice(0, 5).map((result) => result.paymentId!));
    say(`per payment workflow up to Settled (mean of ${history.workflows}): ${history.workflow_tasks} workflow tasks, ${history.activities} activities, ${history.local_activities} local activities, ${history.signals} signals, ${history.events} history events`);

    // 3. Latency at the goal rate, open loop.
    const openStarted = performance.now();
    const inFlight: Array<Promise<Submission>> = [];
    for (let i = 0; i < scheduled; i++) {
      const due = openStarted + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(submit(customers[i % customers.length]!));
    }
    const openLoop = await Promise.all(inFlight);
    const openMs = performance.now() - openStarted;
    const openAccepted = openLoop.filter((result) => result.status === 201);
    const openLatency = distribution(openLoop.map((result) => result.ms));
    const offeredRate = perSecond(scheduled, openMs);
    say(`at ${options.rate}/s for ${options.rateSeconds} s: ${openAccepted.length} of ${scheduled} accepted, ${offeredRate}/s achieved; API latency p50 ${openLatency.p50} ms, p95 ${openLatency.p95} ms, p99 ${openLatency.p99} ms`);
    const openFailed = openLoop.filter((result) => result.status !== 201);
    if (openFailed.length > 0) {
      const reasons = new Map<string, number>();
      for (const result of openFailed) {
        const reason = `${result.status} ${result.error ?? ''}`.slice(0, 80);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      say(`open loop: ${openFailed.length} not accepted: ${[...reasons].map(([reason, count]) => `${count}× ${reason}`).join('; ')}`);
    }
    if (options.settleLatencyPhase !== false) await settledOf(openAccepted.map((result) => result.paymentId!), 900_000);

    const noop = { label: 'no-op workflow start + completion, same server', value: noopRate, unit: '/s' };
    const floorLatency = { label: 'HTTP round trip to the API (GET /healthz), p99', value: healthz.p99, unit: 'ms' };
    const scale = `${options.payments} payments, ${options.concurrency} customers`;
    return {
      figures: [
        figure({ benchmark: 'payments', key: 'submissions_per_s', label: 'Payment submissions (POST /api/portal/payments)', scale, value: submitRate, unit: '/s', goal: { op: '>=', value: 100, source: 'issue 4' }, baseline: noop }),
        figure({ benchmark: 'payments', key: 'submit_p50_ms', label: `Payment submission API latency at ${options.rate}/s, p50`, scale: `${scheduled} payments, open loop`, value: openLatency.p50, unit: 'ms', baseline: { ...floorLatency, label: 'HTTP round trip to the API (GET /healthz), p50', value: healthz.p50 } }),
        figure({ benchmark: 'payments', key: 'submit_p99_ms', label: `Payment submission API latency at ${options.rate}/s, p99`, scale: `${scheduled} payments, open loop`, value: openLatency.p99, unit: 'ms', goal: { op: '<=', value: 150, source: 'issue 4' }, baseline: floorLatency }),
        figure({ benchmark: 'payments', key: 'lifecycles_per_s', label: 'Full payment lifecycles, submitted → Settled', scale, value: lifecycleRate, unit: '/s', goal: { op: '>=', value: 50, source: 'issue 4' }, baseline: noop }),
      ],
      detail: {
        options,
        noop: { workflows: options.noop, ms: noopMs, per_s: noopRate },
        healthz_ms: healthz,
        throughput: { submitted: closedLoop.length, accepted: accepted.length, ms: throughputMs, per_s: submitRate, latency_ms: closedLatency },
        cpu_ms_per_payment: cpuPerPayment,
        statements_per_payment: statementsPerPayment,
        database_per_payment: databasePerPayment,
        workflow_history_per_payment: history,
        lifecycles: { settled: settled.length, of: lifecycleRows.length, span_ms: Math.round(lastSettled - firstSubmitted), per_s: lifecycleRate, submitted_to_settled_ms: lifecycleLatency },
        open_loop: { rate: options.rate, seconds: options.rateSeconds, scheduled, accepted: openAccepted.length, achieved_per_s: offeredRate, latency_ms: openLatency },
      },
    };
  } finally {
    for (const stop of stops.reverse()) await stop.stop().catch((error) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

if (require.main === module) {
  const args = parseArgs();
  runStandalone('payments', { temporal: true, bundle: true }, (env) => measurePayments(env, {
    concurrency: Number(args.get('concurrency') ?? 16),
    payments: Number(args.get('payments') ?? 1_500),
    rate: Number(args.get('rate') ?? 100),
    rateSeconds: Number(args.get('rate-seconds') ?? 15),
    noop: Number(args.get('noop') ?? 500),
  }));
}

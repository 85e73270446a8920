import { Client, Connection } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { moovEmulatorAdmin } from '../emulators/moov';
import { createBenchDatabase, parseArgs, root, startPostgres, startTemporal, tmpDir, workflowBundle, type Stoppable } from '../bench/lib/infra';
import { startPaymentEmulatorsProcess } from '../bench/lib/payment-emulators';
import { RUN_SECRETS } from '../bench/lib/run-secrets';
import { freePort } from '../bench/lib/services';
import { loadAverage, machine } from '../bench/lib/stats';
import { AftermathDriver } from './chaos/aftermath';
import { counters, serverErrors } from './chaos/api-client';
import { MailSinkWithOutage } from './chaos/mail';
import { Faults } from './chaos/faults';
import { planPayments, type PlannedPayment } from './chaos/plan';
import { reconcile } from './chaos/reconcile';
import { seedBook, type ChaosBook } from './chaos/seed';
import { SettlementDriver } from './chaos/settlements';
import { Restartable } from './lib/restartable';
import { startProxy } from './topology/proxy';
import { prepareRuntime } from './topology/runtime-install';
import { startTemporalOnPostgres } from './topology/temporal-on-postgres';
import { CURRENT_ACH_AUTHORIZATION_VERSION } from '../domain/ach-authorization';

/**
 * `npm run chaos`: N payments (card and ACH, some declined, some returned before or after
 * clearing) through their whole lifecycle — portal submission, Moov, settlement, auto-post to
 * Spruce, the return window — on the real worker and API processes, while the worker and the
 * API are killed (SIGKILL) and restarted over and over, Moov's webhooks are duplicated,
 * delayed, jittered and reordered, and Spruce goes down during auto-posts. After settling,
 * some payments come back late (R10), are charged back (won, lost, in part) or refunded
 * (scripts/chaos/aftermath.ts); the SMTP server is down for a minute in the middle, and every
 * email must still arrive exactly once. Then the faults
 * stop, the run drains, and scripts/chaos/reconcile.ts holds the books against the plan:
 * payment states, one Moov transfer per payment, one Spruce posting per line, invoice
 * balances, the audit log. Loopback only; bounded in time. Prints a report and writes
 * bench/out/chaos-<timestamp>.json.
 *
 *   npm run chaos                                   1,000 payments
 *   npm run chaos -- --payments 100                 a quick run
 *   npm run topology                                the production topology (docs/reliability.md, "Topology"): the
 *                                                   compiled build with runtime-only dependencies, Temporal on
 *                                                   PostgreSQL, two APIs behind a proxy and two workers, one
 *                                                   replica killed at a time (--no-build reuses build/)
 *   options: --customers N  --concurrency N  --kill-every-ms MIN,MAX  --close-after-ms N
 *            --chaos-minutes N (longest time under faults after the last submission)  --drain-minutes N  --keep-database
 */
const args = parseArgs();
const paymentCount = Number(args.get('payments') ?? 1000);
const customerCount = Number(args.get('customers') ?? Math.max(5, Math.min(100, Math.ceil(paymentCount / 20))));
const concurrency = Number(args.get('concurrency') ?? 8);
const [killMin, killMax] = (args.get('kill-every-ms') ?? '10000,25000').split(',').map(Number) as [number, number];
const closeAfterMs = Number(args.get('close-after-ms') ?? 20_000);
const chaosMinutes = Number(args.get('chaos-minutes') ?? 10);
const drainMinutes = Number(args.get('drain-minutes') ?? 10);
const topology = args.has('topology');
const replicas = topology ? 2 : 1;
const WEBHOOK_SECRET = 'chaos-moov-webhook-secret-0123456789';
// Compressed business time: a business day of 2 s puts the 5-day return window at 10–14 s.
const BUSINESS_DAY_MS = 2_000;
const ACH_BUSINESS_DAY_MS = 400;

const started = Date.now();
const log = (line: string) => process.stdout.write(`[chaos ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

async function main(): Promise<void> {
  const stops: Stoppable[] = [];
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const loadAtStart = loadAverage();
  log(`${paymentCount} payments from ${customerCount} customers, ${concurrency} at a time; load average ${loadAtStart.join(' ')} on ${machine().cores} cores`);
  let keepDatabase = args.has('keep-database');
  try {
    const postgres = await startPostgres(log);
    stops.push(postgres);
    const temporalServer = topology
      ? await startTemporalOnPostgres({ adminUrl: postgres.adminUrl, workDir: path.join(tmpDir, `topology-temporal-${process.pid}`), retentionDays: 180, log })
      : await startTemporal(log);
    stops.push(temporalServer);
    // The topology runs what the image runs: compiled JavaScript, its prebuilt workflow bundle, runtime dependencies only.
    const runtime = topology ? prepareRuntime(root, path.join(tmpDir, 'topology-runtime'), { build: !args.has('no-build'), log }) : undefined;
    if (runtime) log(`production build in ${path.relative(root, runtime.dir)} (runtime node_modules ${runtime.nodeModulesMb} MB)`);
    const bundlePath = runtime ? undefined : await workflowBundle(log);
    const database = await createBenchDatabase(postgres.adminUrl, 'chaos', { max: 10 });
    stops.push({
      stop: async () => {
        if (!keepDatabase) return database.stop();
        await database.db.destroy();
        log(`database kept: ${database.url}`);
      },
    });
    const mail = await MailSinkWithOutage.start();
    stops.push(mail);
    const apiPorts = await Promise.all(Array.from({ length: replicas }, () => freePort()));
    const proxy = topology ? await startProxy(() => apiPorts.map((port) => `http://127.0.0.1:${port}`)) : undefined;
    if (proxy) stops.push(proxy);
    const apiUrl = proxy?.url ?? `http://127.0.0.1:${apiPorts[0]}`;
    const emulators = await startPaymentEmulatorsProcess({
      webhookUrl: `${apiUrl}/webhooks/moov`, webhookSecret: WEBHOOK_SECRET, label: 'chaos', spruce: true,
      // A late return comes 8 s after clearing: after settling, often after posting, inside the return window.
      moovTiming: { cardAuthorizeMs: 150, cardSettleMs: 300, achLateReturnBusinessDays: 20 }, achBusinessDayMs: ACH_BUSINESS_DAY_MS,
      // Retries reach past an API restart; the payment workflow's poll catches whatever is still lost.
      webhookRetryDelaysMs: [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000],
    });
    stops.push(emulators);
    const spruceUrl = emulators.spruceUrl!;
    const moov = moovEmulatorAdmin(emulators.moovUrl);

    const taskQueue = `chaos-${runId}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env, NODE_ENV: 'production', ...RUN_SECRETS, LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      DATABASE_URL: database.url, TEMPORAL_ADDRESS: temporalServer.address, TASK_QUEUE: taskQueue, PUBLIC_URL: apiUrl,
      ...(bundlePath ? { WORKFLOW_BUNDLE_PATH: bundlePath } : {}), MOOV_URL: emulators.moovUrl, PLAID_URL: emulators.plaidUrl, MOOV_WEBHOOK_SECRET: WEBHOOK_SECRET,
      BUSINESS_DAY_MS: String(BUSINESS_DAY_MS), RECONCILE_POLL_MS: '5000', SMTP_URL: mail.smtpUrl, MAIL_FROM: 'payments@chaos-lumber.test',
      // Four replicas, the Temporal server and the run share one PostgreSQL: each process keeps a small pool.
      ...(topology ? { DB_POOL_MAX: '8' } : {}),
      // Every customer signs in from loopback; the per-address limit is for the run's API only.
      AUTH_RATE_LIMIT_PER_IP: String(customerCount * 4 + 100),
    };
    const connection = await Connection.connect({ address: temporalServer.address, connectTimeout: '30s' });
    stops.push({ stop: () => connection.close() });
    const temporal = new Client({ connection, namespace: 'default' });
    mkdirSync(tmpDir, { recursive: true });
    const logs = { worker: path.join(tmpDir, `chaos-worker-${runId}.log`), api: path.join(tmpDir, `chaos-api-${runId}.log`) };
    const launch = runtime
      ? { cwd: runtime.dir, runWith: 'node' as const, worker: 'build/worker.js', api: 'build/api/server.js' }
      : { cwd: root, runWith: 'tsx' as const, worker: 'worker.ts', api: 'api/server.ts' };
    const workers: Restartable[] = Array.from({ length: replicas }, (_, index) => {
      const worker: Restartable = new Restartable({
        name: `worker ${index + 1}`, entry: launch.worker, runWith: launch.runWith, cwd: launch.cwd, env: { ...env, DRYPOWDER_SERVICE: `chaos-worker-${index + 1}` }, log: logs.worker,
        // Up once this very process polls the task queue (SDK identity `<pid>@<host>`); a test workflow
        // would wait behind the backlog a restart leaves and time out on a busy machine.
        ready: async (): Promise<boolean> => {
          const { pollers } = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
          return pollers.some((poller) => Boolean(poller.identity?.startsWith(`${worker.pid}@`)));
        },
      });
      return worker;
    });
    const apis = apiPorts.map((port, index) => new Restartable({
      name: `api ${index + 1}`, entry: launch.api, runWith: launch.runWith, cwd: launch.cwd, env: { ...env, API_PORT: String(port), DRYPOWDER_SERVICE: `chaos-api-${index + 1}` }, log: logs.api,
      ready: async () => (await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok,
    }));
    for (const replica of [...workers, ...apis]) stops.push({ stop: () => replica.stop() });
    await Promise.all([...workers, ...apis].map((replica) => replica.start()));
    log(`${replicas} worker(s) and ${replicas} API(s)${proxy ? ` behind a proxy at ${apiUrl}` : ''} up (logs ${path.relative(root, logs.worker)}, ${path.relative(root, logs.api)}); emulators log ${emulators.log}`);

    const plan = planPayments(paymentCount, customerCount, runId);
    const book = await seedBook(database.db, { api: apiUrl, spruce: spruceUrl, moov: emulators.moovUrl, plaid: emulators.plaidUrl }, plan, customerCount, runId, log);

    const faults = new Faults({ worker: workers, api: apis }, moov, spruceUrl, { killEveryMs: [killMin, killMax], log });
    const aftermath = new AftermathDriver(database.db, moov, book.operator, plan, { runId, businessDayMs: BUSINESS_DAY_MS, log });
    log(`${aftermath.planned} settled payments will have money move after settlement`);
    const driver = new SettlementDriver(database.db, book.dealerId, book.operator, { closeAfterMs, onAutoPost: () => faults.spruceOutage(), log });
    faults.start();
    const chaosStarted = Date.now();
    let settling = true;
    const settleLoop = (async () => {
      while (settling) {
        await driver.pass().catch((error: Error) => log(`settlement pass: ${error.message}`));
        await sleep(3_000);
      }
    })();
    // Its own loop: a refund waiting out an API restart must not hold up the settlements.
    const aftermathLoop = (async () => {
      while (settling) {
        await aftermath.pass().catch((error: Error) => log(`aftermath pass: ${error.message}`));
        await sleep(2_000);
      }
    })();
    // The SMTP server goes away for a minute while payments settle and notices are written.
    const smtpOutage = (async () => {
      await sleep(Math.min(90_000, 20_000 + paymentCount * 40));
      await mail.outage(60_000, log);
    })();
    const progress = setInterval(() => void statusLine(database.db, book, faults, driver).then((line) => log(`${line}; after settlement ${aftermath.planned - aftermath.pending}/${aftermath.planned} done`), () => undefined), 15_000);

    const submissions = await submitAll(book, plan);
    aftermath.allSubmitted();
    const refused = submissions.filter((s) => s.status !== 201 && s.status !== 200);
    log(`all ${plan.length} payments submitted in ${((Date.now() - chaosStarted) / 1000).toFixed(0)} s (${refused.length} refused)`);

    // Faults go on while payments are still clearing, settling and posting.
    const chaosDeadline = Date.now() + chaosMinutes * 60_000;
    while (Date.now() < chaosDeadline && !(aftermath.pending === 0 && mail.up && await quiet(database.db, book.dealerId))) await sleep(2_000);
    await smtpOutage;
    await faults.stop();
    const chaosSeconds = Math.round((Date.now() - chaosStarted) / 1000);
    log(`faults stopped after ${chaosSeconds} s under chaos; draining`);
    settling = false;
    await settleLoop;
    await aftermathLoop;

    const drainDeadline = Date.now() + drainMinutes * 60_000;
    let drained = false;
    while (Date.now() < drainDeadline) {
      await driver.pass(true).catch((error: Error) => log(`settlement pass: ${error.message}`));
      await aftermath.pass().catch((error: Error) => log(`aftermath pass: ${error.message}`));
      if (aftermath.pending === 0 && await quiet(database.db, book.dealerId) && (await runningPaymentWorkflows(temporal, taskQueue)) === 0) {
        await driver.pass(true);
        drained = true;
        break;
      }
      await sleep(2_000);
    }
    clearInterval(progress);
    log(drained ? 'drained: every payment workflow finished, every line posted' : `not drained after ${drainMinutes} min; reconciling what there is`);

    const result = await reconcile(database.db, temporal, moov, spruceUrl, book, plan, { aftermathFailures: aftermath.failures, mail: mail.received() });
    const injected = await moov.webhookFaults();
    const report = {
      run: runId,
      at: new Date().toISOString(),
      machine: machine(),
      load_average: { start: loadAtStart, end: loadAverage() },
      options: { payments: paymentCount, customers: customerCount, concurrency, kill_every_ms: [killMin, killMax], close_after_ms: closeAfterMs, business_day_ms: BUSINESS_DAY_MS, ach_business_day_ms: ACH_BUSINESS_DAY_MS },
      seconds: { total: Math.round((Date.now() - started) / 1000), under_chaos: chaosSeconds },
      drained,
      payments: { submitted: plan.length, refused: refused.length, by_scenario: countBy(plan.map((p) => p.scenario)), ...result.counts },
      kills: faults.counts.kills,
      topology: topology ? { temporal: 'server on PostgreSQL', build: 'compiled, runtime dependencies only', apis: replicas, workers: replicas, proxy_retries: proxy?.retried ?? 0 } : null,
      restarts: {
        worker: sum(workers.map((replica) => replica.starts - 1)), api: sum(apis.map((replica) => replica.starts - 1)), failed: faults.counts.restartFailures,
        unexpected_exits: { worker: sum(workers.map((replica) => replica.unexpectedExits)), api: sum(apis.map((replica) => replica.unexpectedExits)) },
      },
      injected_faults: {
        process_kills: faults.counts.kills.worker + faults.counts.kills.api,
        webhook_copies_duplicated: injected.injected.duplicated,
        webhook_deliveries_delayed: injected.injected.delayed,
        webhook_events_reordered: injected.injected.reordered,
        webhook_fault_settings: faults.counts.webhookFaultSettings,
        spruce_outages: faults.counts.spruceOutages,
      },
      settlements: driver.counts,
      after_settlement: { planned: aftermath.planned, done: aftermath.counts, failures: aftermath.failures },
      email: { smtp_outage_seconds: mail.outageSeconds, ...result.email },
      client: {
        connection_retries: counters.connectionRetries, server_errors: serverErrors.length,
        // A 500 is a defect; a 502/503 is the proxy with a replica gone, or a dependency briefly unavailable.
        internal_errors: serverErrors.filter((error) => error.status === 500).length,
        server_error_samples: [...serverErrors.filter((error) => error.status === 500), ...serverErrors.filter((error) => error.status !== 500)].slice(0, 10),
      },
      submission_refusals: refused.slice(0, 20),
      discrepancies: { total: result.discrepancies.length, by_check: countBy(result.discrepancies.map((d) => d.check)), list: result.discrepancies.slice(0, 500) },
    };
    if (result.discrepancies.length > 0) keepDatabase = true;
    printReport(report, result.discrepancies);
    const outDir = path.join(root, 'bench/out');
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `chaos-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`report written to ${path.relative(root, file)}`);
    process.exitCode = result.discrepancies.length === 0 && drained ? 0 : 1;
  } finally {
    for (const stop of stops.reverse()) await stop.stop().catch((error: Error) => log(`cleanup: ${error.message}`));
  }
}

interface Submission {
  index: number;
  status: number;
  paymentId?: string;
  error?: string;
}

/** Customers paying their invoices, a few at a time, each submission retried under its own key until answered. */
async function submitAll(book: ChaosBook, plan: PlannedPayment[]): Promise<Submission[]> {
  const results: Submission[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < plan.length) {
      const payment = plan[next++]!;
      const customer = book.customers[payment.customer]!;
      const answer = await customer.session.post('/api/portal/payments', {
        dealerId: book.dealerId, customerAccountId: customer.accountId, paymentMethodId: payment.method === 'card' ? customer.cardMethodId : customer.bankMethodId,
        sourceView: 'all', items: [{ type: 'invoice', id: book.invoices.get(payment.invoiceNumber)!.id }], achAuthorizationVersion: CURRENT_ACH_AUTHORIZATION_VERSION,
      }, { 'idempotency-key': payment.idempotencyKey });
      results.push(answer.status === 201 || answer.status === 200
        ? { index: payment.index, status: answer.status, paymentId: answer.body.payment.id }
        : { index: payment.index, status: answer.status, error: JSON.stringify(answer.body).slice(0, 300) });
    }
  }));
  return results;
}

/**
 * Nothing left to happen but the payment workflows' own timers: no payment pending, no line
 * waiting to be posted, no batch with lines still open or unposted. A line Spruce refused
 * waits for an operator, not for time: it ends the wait and is reported as a discrepancy.
 */
async function quiet(db: Db, dealerId: string): Promise<boolean> {
  const { rows } = await db.raw(
    `select (select count(*) from payments where dealer_id = :dealer and status = 'pending')::int as pending,
            (select count(*) from gl_posting_lines where dealer_id = :dealer and status = 'pending')::int as unposted,
            (select count(*) from email_outbox where dealer_id = :dealer and status = 'queued')::int as mail,
            (select count(*) from settlements s where dealer_id = :dealer and (status = 'open' and payment_count + (select count(*) from gl_posting_lines l where l.settlement_id = s.id) > 0
               or exists (select 1 from gl_posting_runs r where r.settlement_id = s.id and r.status = 'running')))::int as unfinished`,
    { dealer: dealerId },
  );
  const row = rows[0] as { pending: number; unposted: number; unfinished: number; mail: number };
  return row.pending === 0 && row.unposted === 0 && row.unfinished === 0 && row.mail === 0;
}

async function runningPaymentWorkflows(temporal: Client, taskQueue: string): Promise<number> {
  const { count } = await temporal.workflow.count(`WorkflowType IN ('paymentWorkflow', 'paymentAftermathWorkflow') AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`);
  return count;
}

async function statusLine(db: Db, book: ChaosBook, faults: Faults, driver: SettlementDriver): Promise<string> {
  const rows = await db('payments').where({ dealer_id: book.dealerId }).groupBy('status').select('status', db.raw('count(*)::int as n'));
  const lines = await db('gl_posting_lines').where({ dealer_id: book.dealerId }).groupBy('status').select('status', db.raw('count(*)::int as n'));
  const byStatus = rows.map((r: { status: string; n: number }) => `${r.status} ${r.n}`).join(', ') || 'none yet';
  const byLine = lines.map((r: { status: string; n: number }) => `${r.status} ${r.n}`).join(', ') || 'none';
  return `payments: ${byStatus}; GL lines: ${byLine}; kills worker ${faults.counts.kills.worker} / API ${faults.counts.kills.api}; settlements closed ${driver.counts.closed}, auto-posts ${driver.counts.autoPosts}; load ${loadAverage()[0]}`;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function printReport(report: Record<string, any>, discrepancies: Array<{ check: string; subject: string; detail: string }>): void {
  const lines = [
    '',
    'Chaos run',
    `  payments          ${report.payments.submitted} submitted (${Object.entries(report.payments.by_scenario).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    `  ended             ${Object.entries(report.payments).filter(([k]) => k.startsWith('status_')).map(([k, v]) => `${k.slice(7)} ${v}`).join(', ')}`,
    `  kills (SIGKILL)   worker ${report.kills.worker}, API ${report.kills.api}; restart failures ${report.restarts.failed}`,
    `  webhook faults    ${report.injected_faults.webhook_copies_duplicated} duplicate copies, ${report.injected_faults.webhook_deliveries_delayed} delayed deliveries, ${report.injected_faults.webhook_events_reordered} reordered events (${report.injected_faults.webhook_fault_settings} settings)`,
    `  Spruce outages    ${report.injected_faults.spruce_outages.unavailable} answering 503, ${report.injected_faults.spruce_outages.refuse} refusing connections`,
    `  settlements       ${report.payments.settlements} (closed ${report.settlements.closed}, auto-posts ${report.settlements.autoPosts}, resolved ${report.settlements.resolved})`,
    `  after settlement  ${Object.entries(report.after_settlement.done).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  email             SMTP down ${report.email.smtp_outage_seconds} s; ${report.email.outbox} written, ${report.email.sent} sent, ${report.email.delivered_distinct} arrived (${report.email.deliveries} deliveries)`,
    `  books             ${report.payments.moov_transfers} Moov transfers, ${report.payments.ledger_postings} Spruce postings, ${report.payments.gl_lines} GL lines`,
    `  API answers ≥500  ${report.client.server_errors} (500: ${report.client.internal_errors}; the rest 502/503 from the proxy or an unavailable dependency, retried); requests retried across restarts ${report.client.connection_retries}`,
    `  time              ${report.seconds.total} s (${report.seconds.under_chaos} s under faults); load average ${report.load_average.start.join(' ')} → ${report.load_average.end.join(' ')}`,
    `  discrepancies     ${discrepancies.length}${discrepancies.length ? ` (${Object.entries(report.discrepancies.by_check).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
    ...discrepancies.slice(0, 30).map((d) => `    - [${d.check}] ${d.subject}: ${d.detail}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((error) => {
  process.stderr.write(`chaos: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
}).finally(() => setTimeout(() => process.exit(), 100));

import { figure } from './lib/figures';
import { parseArgs, type BenchEnv } from './lib/infra';
import { operatorViews, Recorder, startLoadStack, visitRequests, type PortalUser } from './lib/load-stack';
import { runStandalone, writeBenchResult, type BenchResult } from './lib/standalone';
import { distribution, loadAverage, perSecond } from './lib/stats';

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = ([min, max]: [number, number]) => min + Math.floor(Math.random() * (max - min + 1));

export async function measureLoad(env: BenchEnv, options: LoadOptions): Promise<BenchResult> {
  const say = env.log;
  // A third of the visits pay; every customer gets an invoice for each visit the run can hold.
  const invoicesPerUser = Math.max(30, Math.ceil(options.seconds / 3));
  const stack = await startLoadStack(env, 'load', { users: options.users, operators: options.operators, invoicesPerUser, accounts: options.accounts });
  try {
    const { apiUrl, dealerId, portalUsers, operatorSessions, product, emulators } = stack;
    const recorder = new Recorder(apiUrl);
    const { samples, failures } = recorder;
    const visit = async (user: PortalUser, pay: boolean, think: () => Promise<void>) => {
      let first = true;
      for (const planned of visitRequests(user, dealerId, pay)) {
        if (!first) await think();
        first = false;
        await recorder.send(planned);
      }
    };

    // Warm-up: every route once per session, unmeasured.
    await Promise.all(portalUsers.map((user) => visit(user, false, async () => undefined)));
    for (const operator of operatorSessions) for (const planned of operatorViews(operator)) await recorder.send(planned);

    const loadBefore = loadAverage();
    const cpuBefore = { ...product.cpuMs(), emulators: emulators.cpuMs() };
    recorder.measuring = true;
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
        const views = operatorViews(operator);
        let n = o;
        while (running()) {
          await recorder.send(views[n++ % views.length]!);
          if (running()) await sleep(between([options.thinkMs[0] * 2, options.thinkMs[1] * 2]));
        }
      }),
    ]);
    recorder.measuring = false;
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
    await stack.stop();
  }
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
    writeBenchResult('load', result, env.log);
    return result;
  });
}

import { figure } from './lib/figures';
import { parseArgs, type BenchEnv } from './lib/infra';
import { operatorViews, Recorder, startLoadStack, visitRequests, type PlannedRequest, type PortalUser } from './lib/load-stack';
import { runStandalone, writeBenchResult, type BenchResult } from './lib/standalone';
import { distribution, loadAverage, type LoadAverage } from './lib/stats';

/**
 * How many requests a second this machine serves within 300 ms (issue 21). The traffic is what
 * a dealer's portal and console see: customers' visits (suppliers, Outstanding, a quote, the
 * history and a payment), one visit in `visitsPerPayment` paying an invoice, and operators'
 * list and filter views as `operatorShare` of the requests. Unlike bench/load.ts (closed loop:
 * users wait for answers and think), this offers requests at a fixed rate whatever the answers
 * take (open loop), one step after another, and reports the highest step served with p99 under
 * 300 ms and no errors. The worker and the Moov emulator carry the payments on meanwhile.
 *
 * Baselines from the same run: the same stepping against `GET /healthz` (what the API process,
 * the loopback and the load generator themselves carry), and the API's CPU per `/healthz`.
 * A last read-only phase at the highest passing step gives the API's CPU per read request.
 *
 *   npx tsx bench/capacity.ts                                 steps 50…800/s, 10 s each
 *   npx tsx bench/capacity.ts --steps 25,50 --step-seconds 5  a quick run
 *   options: --users N  --operators N  --accounts N  --visits-per-payment N
 */
export interface CapacityOptions {
  users: number;
  operators: number;
  accounts: number;
  /** Offered request rates, per second, in the order they are tried. */
  steps: number[];
  stepSeconds: number;
  visitsPerPayment: number;
  /** Share of all requests made by console users. */
  operatorShare: number;
}

const P99_LIMIT_MS = 300;
const IDLE_WINDOW_MS = 5_000;
/** More unanswered requests than this at once and the step has failed: the rest count as errors. */
const MAX_IN_FLIGHT = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StepResult {
  offered_per_s: number;
  served_per_s: number;
  requests: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  payments: number;
  api_cpu_ms_per_request: number;
  load_average: LoadAverage;
  passed: boolean;
  /** Latency by route group, to see which part of the mix gives way first. */
  by_group: Record<string, { n: number; p50_ms: number; p99_ms: number; errors: number }>;
}

/** The portal's and console's requests in a realistic order: each customer's visits in sequence, operators interleaved. */
class TrafficMix {
  private visits = 0;
  private requests = 0;
  private userTurn = 0;
  private operatorTurn = 0;
  private readonly current = new Map<PortalUser, Iterator<PlannedRequest>>();
  private readonly views: PlannedRequest[];

  constructor(private readonly users: PortalUser[], private readonly dealerId: string, operators: Array<{ cookie: string }>, private readonly options: { visitsPerPayment: number; operatorShare: number }) {
    this.views = operators.flatMap((operator) => operatorViews(operator));
  }

  next(): PlannedRequest {
    this.requests += 1;
    const operatorEvery = this.options.operatorShare > 0 ? Math.round(1 / this.options.operatorShare) : 0;
    if (operatorEvery > 0 && this.views.length > 0 && this.requests % operatorEvery === 0) return this.views[this.operatorTurn++ % this.views.length]!;
    const user = this.users[this.userTurn++ % this.users.length]!;
    for (;;) {
      let visit = this.current.get(user);
      if (!visit) {
        this.visits += 1;
        const pay = Number.isFinite(this.options.visitsPerPayment) && this.visits % this.options.visitsPerPayment === 0;
        visit = visitRequests(user, this.dealerId, pay);
        this.current.set(user, visit);
      }
      const step = visit.next();
      if (!step.done) return step.value;
      this.current.delete(user);
    }
  }
}

/** Offers `rate` requests a second for `seconds`, not waiting for answers; answers how many could not even be sent. */
async function offer(recorder: Recorder, next: () => PlannedRequest, rate: number, seconds: number): Promise<{ overflow: number }> {
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let overflow = 0;
  const started = performance.now();
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= seconds * 1000) break;
    const due = Math.floor((elapsed / 1000) * rate);
    while (sent < due) {
      sent += 1;
      if (inFlight.size >= MAX_IN_FLIGHT) {
        overflow += 1;
        continue;
      }
      const request = recorder.send(next());
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
  return { overflow };
}

async function runStep(recorder: Recorder, next: () => PlannedRequest, rate: number, seconds: number, apiCpuMs: () => number): Promise<StepResult> {
  const from = recorder.samples.length;
  const cpuBefore = apiCpuMs();
  const started = Date.now();
  const { overflow } = await offer(recorder, next, rate, seconds);
  const elapsedMs = Date.now() - started;
  const samples = recorder.samples.slice(from);
  const latency = distribution(samples.map((sample) => sample.ms));
  const errors = samples.filter((sample) => !sample.ok).length + overflow;
  const cpu = apiCpuMs() - cpuBefore;
  return {
    offered_per_s: rate,
    served_per_s: Math.round((samples.filter((sample) => sample.ok).length / elapsedMs) * 10_000) / 10,
    requests: samples.length + overflow,
    errors,
    p50_ms: latency.p50,
    p99_ms: latency.p99,
    payments: samples.filter((sample) => sample.group === 'portal_pay' && sample.ok).length,
    api_cpu_ms_per_request: samples.length ? Math.round((cpu / samples.length) * 100) / 100 : Number.NaN,
    load_average: loadAverage(),
    passed: errors === 0 && latency.p99 < P99_LIMIT_MS,
    by_group: Object.fromEntries([...new Set(samples.map((sample) => sample.group))].sort().map((group) => {
      const own = samples.filter((sample) => sample.group === group);
      const spread = distribution(own.map((sample) => sample.ms));
      return [group, { n: own.length, p50_ms: spread.p50, p99_ms: spread.p99, errors: own.filter((sample) => !sample.ok).length }];
    })),
  };
}

/** Steps the rate up until a step fails; answers every step run and the highest that passed (0 if none). */
async function stepUp(recorder: Recorder, next: () => PlannedRequest, steps: number[], seconds: number, apiCpuMs: () => number, say: (line: string) => void, label: string): Promise<{ steps: StepResult[]; highest: number }> {
  const results: StepResult[] = [];
  let highest = 0;
  for (const rate of steps) {
    const result = await runStep(recorder, next, rate, seconds, apiCpuMs);
    results.push(result);
    say(`${label} ${String(rate).padStart(5)}/s offered: served ${result.served_per_s}/s, p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${result.errors} errors, ${result.payments} payments, API CPU ${result.api_cpu_ms_per_request} ms/request, load ${result.load_average.join(' ')} ${result.passed ? '' : '✗'}`);
    if (!result.passed) {
      say(`  by route group: ${Object.entries(result.by_group).map(([group, spread]) => `${group} p50 ${spread.p50_ms} / p99 ${spread.p99_ms} ms (${spread.n})`).join('; ')}`);
      break;
    }
    highest = rate;
    // Let the worker catch up with the step's payments so the next step starts from a quiet queue.
    await sleep(1_000);
  }
  return { steps: results, highest };
}

export async function measureCapacity(env: BenchEnv, options: CapacityOptions): Promise<BenchResult> {
  const say = env.log;
  const maxRequests = options.steps.reduce((sum, rate) => sum + rate * options.stepSeconds, 0);
  // Each visit is about five requests; size every customer's invoices for every payment the run could make.
  const payments = Math.ceil(maxRequests / 5 / options.visitsPerPayment);
  const invoicesPerUser = Math.ceil(payments / options.users) + 5;
  const stack = await startLoadStack(env, 'capacity', { users: options.users, operators: options.operators, invoicesPerUser, accounts: options.accounts });
  try {
    const { apiUrl, dealerId, portalUsers, operatorSessions, product } = stack;
    const recorder = new Recorder(apiUrl);
    const apiCpuMs = () => product.cpuMs().api;
    const mix = new TrafficMix(portalUsers, dealerId, operatorSessions, options);
    const readOnly = new TrafficMix(portalUsers, dealerId, operatorSessions, { ...options, visitsPerPayment: Number.POSITIVE_INFINITY });
    const healthz: PlannedRequest = { group: 'portal_browse', route: 'GET /healthz', url: '/healthz', init: {}, expect: [200] };

    // Warm-up, unmeasured: every route of every session once.
    await offer(recorder, () => readOnly.next(), Math.min(100, options.steps[0] ?? 50), Math.max(2, Math.ceil((portalUsers.length * 5) / 100)));
    // What the API spends with no request at all (timers, pools, the Temporal client), so the
    // per-request figures can be read net of it.
    await sleep(1_000);
    const idleFrom = apiCpuMs();
    await sleep(IDLE_WINDOW_MS);
    const idleCpuMsPerS = Math.round(((apiCpuMs() - idleFrom) / IDLE_WINDOW_MS) * 1000 * 10) / 10;
    say(`API CPU with no requests: ${idleCpuMsPerS} ms per second`);
    recorder.measuring = true;

    const loadBefore = loadAverage();
    const baselineSteps = [...options.steps, ...options.steps.map((rate) => rate * 2), ...options.steps.map((rate) => rate * 4)]
      .filter((rate, i, all) => all.indexOf(rate) === i).sort((a, b) => a - b);
    const floor = await stepUp(recorder, () => healthz, baselineSteps, Math.max(3, Math.ceil(options.stepSeconds / 2)), apiCpuMs, say, 'GET /healthz');
    const mixed = await stepUp(recorder, () => mix.next(), options.steps, options.stepSeconds, apiCpuMs, say, 'mix');
    const readRate = mixed.highest || (options.steps[0] ?? 50);
    const reads = await runStep(recorder, () => readOnly.next(), readRate, options.stepSeconds, apiCpuMs);
    say(`reads only at ${readRate}/s: p99 ${reads.p99_ms} ms, ${reads.errors} errors, API CPU ${reads.api_cpu_ms_per_request} ms per read request`);
    recorder.measuring = false;
    const healthzCpu = floor.steps.find((step) => step.offered_per_s === floor.highest)?.api_cpu_ms_per_request ?? floor.steps[0]?.api_cpu_ms_per_request ?? Number.NaN;
    const passedStep = mixed.steps.find((step) => step.offered_per_s === mixed.highest);
    if (recorder.failures.length) say(`first errors: ${recorder.failures.slice(0, 5).map((f) => `${f.route} → ${f.status} ${f.body.slice(0, 120)}`).join(' | ')}`);

    const scale = `${options.users} customers, ${options.operators} operators, 1 payment per ${options.visitsPerPayment} visits, ${options.stepSeconds} s steps`;
    return {
      figures: [
        figure({
          benchmark: 'capacity', key: 'capacity_requests_per_s', label: `Capacity: highest request rate served at p99 < ${P99_LIMIT_MS} ms, 0 errors (portal + console mix)`, scale,
          value: mixed.highest, unit: 'req/s', goal: { op: '>=', value: 400, source: 'issue 21' },
          baseline: { label: `GET /healthz stepped the same way (highest step passed of ${baselineSteps.at(-1)})`, value: floor.highest, unit: 'req/s' },
        }),
        figure({
          benchmark: 'capacity', key: 'capacity_p99_ms', label: 'Capacity: p99 at the highest passing step', scale, value: passedStep?.p99_ms ?? Number.NaN, unit: 'ms',
        }),
        figure({
          benchmark: 'capacity', key: 'capacity_api_cpu_per_read_ms', label: 'API CPU per read request (reads only, at the highest passing rate)', scale,
          value: reads.api_cpu_ms_per_request, unit: 'ms', goal: { op: '<=', value: 2, source: 'issue 21' },
          baseline: { label: 'API CPU per GET /healthz', value: healthzCpu, unit: 'ms' },
        }),
      ],
      detail: {
        options, api_idle_cpu_ms_per_s: idleCpuMsPerS, mixed: mixed.steps, healthz: floor.steps, reads_only: reads, load_average: { before: loadBefore, after: loadAverage() }, errors: recorder.failures.slice(0, 50),
      },
    };
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  const args = parseArgs();
  const options: CapacityOptions = {
    users: Number(args.get('users') ?? 200),
    operators: Number(args.get('operators') ?? 5),
    accounts: Number(args.get('accounts') ?? 5_000),
    steps: (args.get('steps') ?? '50,100,150,200,250,300,400,500,600,800').split(',').map(Number),
    stepSeconds: Number(args.get('step-seconds') ?? 10),
    visitsPerPayment: Number(args.get('visits-per-payment') ?? 20),
    operatorShare: Number(args.get('operator-share') ?? 0.1),
  };
  runStandalone('capacity', { temporal: true, bundle: true }, async (env) => {
    const result = await measureCapacity(env, options);
    writeBenchResult('capacity', result, env.log);
    return result;
  });
}

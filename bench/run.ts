import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTable, type Figure } from './lib/figures';
import { parseArgs, root, startPostgres, startTemporal, tmpDir, workflowBundle, type BenchEnv, type Stoppable } from './lib/infra';
import { onInterrupt, spawnOwned, stopOwned } from './lib/owned-processes';
import { loadAverage, machine } from './lib/stats';
import { SUITE } from './suite';

/**
 * `npm run bench`: every benchmark in bench/, each in its own process, against one PostgreSQL
 * server (a fresh database per benchmark) and one Temporal dev server started for the run.
 * Prints one table — each figure with its unit, the goal its issue sets, the baseline
 * measured in the same run and the ratio to it, and the load average when it was measured —
 * and writes the same (plus every detail) to bench/out/results-<timestamp>.json.
 *
 *   npm run bench                     full sizes (1M CSV rows, 50k accounts / 1M invoices, 60 s of Spruce changes, …)
 *   npm run bench -- --quick          smaller sizes, about two minutes
 *   npm run bench -- --only payments,auto-post
 */
const args = parseArgs();
const quick = args.has('quick');
const only = args.get('only')?.split(',').map((name) => name.trim());
const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  load_average_before: number[];
  error?: string;
  figures: Figure[];
  detail?: Record<string, unknown>;
}

function runOne(name: string, shared: Omit<BenchEnv, 'log'>, timeoutMs: number): Promise<{ ok: boolean; result?: { figures: Figure[]; detail: Record<string, unknown> }; error?: string }> {
  const resultFile = path.join(tmpDir, `bench-result-${name}-${process.pid}.json`);
  rmSync(resultFile, { force: true });
  return new Promise((resolve) => {
    const child = spawnOwned(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lib/run-one.ts'), name, resultFile], {
      cwd: root,
      env: { ...process.env, BENCH_SUITE_ENV: JSON.stringify(shared) },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      stderr += `\n${name} did not finish within ${timeoutMs / 1000} s`;
      // SIGTERM first: the benchmark then stops the processes it started itself.
      void stopOwned(child, 30_000);
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && existsSync(resultFile)) {
        const result = JSON.parse(readFileSync(resultFile, 'utf8'));
        rmSync(resultFile, { force: true });
        resolve({ ok: true, result });
      } else {
        const lines = stderr.trim().split('\n');
        resolve({ ok: false, error: lines.find((line) => line.includes('failed:')) ?? lines.at(-1) ?? `exit code ${code}` });
      }
    });
  });
}

function gitRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  return `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
}

async function main(): Promise<void> {
  const entries = SUITE.filter((entry) => !only || only.includes(entry.name));
  if (only && entries.length !== only.length) throw new Error(`unknown benchmark in --only; known: ${SUITE.map((entry) => entry.name).join(', ')}`);
  const started = new Date();
  const host = machine();
  const loadAtStart = loadAverage();
  say(`${quick ? 'quick' : 'full'} run of ${entries.map((entry) => entry.name).join(', ')}`);
  say(`machine: ${host.cores} cores (${host.cpu_model}), ${host.memory_gb} GB, node ${host.node}; load average ${loadAtStart.join(' ')}`);
  if (loadAtStart[0] > host.cores * 1.5) say(`the machine is busy (load ${loadAtStart[0]} on ${host.cores} cores): figures will be lower than the machine can do; ratios to the same-run baselines hold better`);

  const stops: Stoppable[] = [];
  onInterrupt(async () => {
    for (const stop of [...stops].reverse()) await stop.stop().catch(() => undefined);
  });
  const outcomes: Outcome[] = [];
  try {
    const postgres = await startPostgres(say);
    stops.push(postgres);
    const needsTemporal = entries.some((entry) => entry.needs.temporal);
    const temporal = needsTemporal ? await startTemporal(say) : undefined;
    if (temporal) stops.push(temporal);
    const bundle = entries.some((entry) => entry.needs.bundle) ? await workflowBundle(say) : undefined;
    const shared = { adminUrl: postgres.adminUrl, temporalAddress: temporal?.address, workflowBundlePath: bundle, quick };
    say(`PostgreSQL ${new URL(postgres.adminUrl).host}${temporal ? `, Temporal ${temporal.address}` : ''}; ready in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);

    for (const entry of entries) {
      const before = loadAverage();
      const began = Date.now();
      say(`── ${entry.name} (load average ${before.join(' ')})`);
      const outcome = await runOne(entry.name, shared, (quick ? 5 : 20) * 60_000);
      const seconds = Math.round((Date.now() - began) / 100) / 10;
      outcomes.push({ name: entry.name, ok: outcome.ok, seconds, load_average_before: before, error: outcome.error, figures: outcome.result?.figures ?? [], detail: outcome.result?.detail });
      say(`── ${entry.name} ${outcome.ok ? 'done' : `FAILED: ${outcome.error}`} in ${seconds} s`);
    }
  } finally {
    for (const stop of stops.reverse()) await stop.stop().catch((error) => say(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }

  const finished = new Date();
  const figures = outcomes.flatMap((outcome) => outcome.figures);
  const report = {
    mode: quick ? 'quick' : 'full',
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_s: Math.round((finished.getTime() - started.getTime()) / 1000),
    revision: gitRevision(),
    machine: host,
    load_average: { start: loadAtStart, end: loadAverage() },
    figures,
    benchmarks: outcomes.map(({ figures: _figures, ...rest }) => rest),
  };
  mkdirSync(path.join(__dirname, 'out'), { recursive: true });
  const file = path.join(__dirname, 'out', `results-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  process.stdout.write(`\nDrypowder benchmarks, ${report.mode} run, ${report.started_at} (${report.revision}), ${report.duration_s} s\n`);
  process.stdout.write(`machine: ${host.cores} cores, ${host.memory_gb} GB, node ${host.node}; load average at start ${loadAtStart.join(' ')}, at end ${report.load_average.end.join(' ')}\n\n`);
  process.stdout.write(`${renderTable(figures)}\n`);
  for (const failed of outcomes.filter((outcome) => !outcome.ok)) process.stdout.write(`FAILED ${failed.name}: ${failed.error}\n`);
  process.stdout.write(`\nratio = figure ÷ baseline; load 1m = one-minute load average when the figure was measured. Details: ${path.relative(root, file)}\n`);
  process.exitCode = outcomes.every((outcome) => outcome.ok) ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

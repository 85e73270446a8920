import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTable, type Figure } from './figures';
import { root, startPostgres, startTemporal, workflowBundle, type BenchEnv, type Stoppable } from './infra';
import { onInterrupt } from './owned-processes';
import { loadAverage, machine } from './stats';

export interface BenchResult {
  figures: Figure[];
  /** Everything else measured, for the JSON file. */
  detail: Record<string, unknown>;
}

export interface Needs {
  temporal?: boolean;
  bundle?: boolean;
}

/**
 * Runs one benchmark script on its own: starts what it needs, runs it, prints its figures as
 * a table and one JSON line, stops everything. `npm run bench` runs the same functions.
 */
export function runStandalone(name: string, needs: Needs, measure: (env: BenchEnv) => Promise<BenchResult>, options: { quick?: boolean } = {}): void {
  const log = (line: string) => process.stdout.write(`[${name}] ${line}\n`);
  const main = async () => {
    const stops: Stoppable[] = [];
    onInterrupt(async () => {
      for (const stop of [...stops].reverse()) await stop.stop().catch(() => undefined);
    });
    try {
      const postgres = await startPostgres(log);
      stops.push(postgres);
      const temporal = needs.temporal ? await startTemporal(log) : undefined;
      if (temporal) stops.push(temporal);
      const env: BenchEnv = {
        adminUrl: postgres.adminUrl,
        temporalAddress: temporal?.address,
        workflowBundlePath: needs.bundle ? await workflowBundle(log) : undefined,
        quick: options.quick ?? false,
        log,
      };
      log(`load average at start: ${loadAverage().join(' ')}`);
      const result = await measure(env);
      process.stdout.write(`\n${renderTable(result.figures)}\n`);
      process.stdout.write(`${JSON.stringify({ benchmark: name, machine: machine(), ...result })}\n`);
    } finally {
      for (const stop of stops.reverse()) await stop.stop().catch((error) => log(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`${name}: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** Keeps a standalone run's result as `bench/out/<name>-<timestamp>.json` beside the suite's. */
export function writeBenchResult(name: string, result: BenchResult, log: (line: string) => void): void {
  const outDir = path.join(root, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, ...result }, null, 2)}\n`);
  log(`written to ${path.relative(root, file)}`);
}

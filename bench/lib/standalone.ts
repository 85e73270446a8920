import { renderTable, type Figure } from './figures';
import { startPostgres, startTemporal, workflowBundle, type BenchEnv, type Stoppable } from './infra';
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

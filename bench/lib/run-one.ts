import { writeFileSync } from 'node:fs';
import { SUITE } from '../suite';
import type { BenchEnv } from './infra';

/**
 * One benchmark of the suite in a process of its own (so its peak memory, its event loop and
 * whatever it leaves behind are its own): `run-one.ts <name> <result.json>`, with the shared
 * servers described in BENCH_SUITE_ENV.
 */
async function main(): Promise<void> {
  const [name, resultFile] = process.argv.slice(2);
  const entry = SUITE.find((candidate) => candidate.name === name);
  if (!entry || !resultFile) throw new Error(`usage: run-one.ts <${SUITE.map((e) => e.name).join('|')}> <result.json>`);
  const shared = JSON.parse(process.env.BENCH_SUITE_ENV ?? '{}') as Omit<BenchEnv, 'log'>;
  const env: BenchEnv = { ...shared, log: (line) => process.stdout.write(`[${name}] ${line}\n`) };
  const result = await entry.run(env);
  writeFileSync(resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[${process.argv[2]}] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

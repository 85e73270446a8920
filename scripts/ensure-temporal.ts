import { ensureTemporalCli } from '../runtime/temporal-cli';

/** Makes sure a Temporal CLI exists (building it once per machine) before anything needs it. */
try {
  const path = ensureTemporalCli();
  process.stdout.write(`temporal CLI: ${path}\n`);
} catch (error) {
  process.stderr.write(`drypowder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

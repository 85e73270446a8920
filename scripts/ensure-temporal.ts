import { provisionTemporalCli } from '../runtime/temporal-cli';

/** Makes sure a Temporal CLI exists (downloading or building it once per machine) before anything needs it. */
provisionTemporalCli()
  .then((path) => process.stdout.write(`temporal CLI: ${path}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`drypowder: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });

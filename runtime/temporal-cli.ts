import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Finds the Temporal CLI (which carries the dev server and its Web UI), building it from its
 * Go module once per machine when it is missing. v1.5.1 is the last release `go install`
 * can build: later ones carry a `replace` directive in their go.mod.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function onPath(binary: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

function goBinDir(): string | undefined {
  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  const gobin = execFileSync(go, ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
  if (gobin) return gobin;
  const gopath = execFileSync(go, ['env', 'GOPATH'], { encoding: 'utf8' }).trim() || path.join(homedir(), 'go');
  return path.join(gopath.split(path.delimiter)[0]!, 'bin');
}

export function findTemporalCli(): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const found = onPath('temporal');
  if (found) return found;
  const gobin = goBinDir();
  const built = gobin ? path.join(gobin, 'temporal') : undefined;
  return built && existsSync(built) ? built : undefined;
}

export function ensureTemporalCli(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  const existing = findTemporalCli();
  if (existing) return existing;
  if (process.env.TEMPORAL_CLI_PATH) {
    throw new Error(`TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH} does not exist`);
  }
  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new Error(
      'No Temporal CLI found. Install it (https://docs.temporal.io/cli), put `temporal` on PATH or set TEMPORAL_CLI_PATH, ' +
        `or install Go so it can be built with: go install ${TEMPORAL_CLI_MODULE}`,
    );
  }
  log(`Building the Temporal CLI once for this machine (go install ${TEMPORAL_CLI_MODULE}); this takes a few minutes…`);
  const build = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed with exit code ${build.status}`);
  const built = findTemporalCli();
  if (!built) throw new Error('go install reported success but no temporal binary was found in GOBIN');
  return built;
}

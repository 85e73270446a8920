import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Finds the Temporal CLI (which carries the dev server and its Web UI). When it is missing,
 * a machine that can reach Temporal's download site takes the prebuilt binary the SDK itself
 * downloads (seconds); one that cannot builds it from its Go module (minutes). v1.5.1 is the
 * last release `go install` can build: later ones carry a `replace` directive in their go.mod.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** Where a downloaded CLI is kept, so every later run of any checkout on this machine finds it. */
const DOWNLOAD_DIR = path.join(homedir(), '.cache', 'drypowder', 'temporal-cli');
const DOWNLOADED_CLI = path.join(DOWNLOAD_DIR, 'temporal');
const DOWNLOAD_SITE = 'https://temporal.download/';

/**
 * Measured on a 2-core machine: the first build spends about 2 minutes fetching modules and
 * 10–12 compiling about 1,300 packages (14 minutes in all, measured with other work running); a later build with a warm Go cache takes seconds.
 */
const TYPICAL_PACKAGE_COUNT = 1300;
const PROGRESS_EVERY_MS = 30_000;

type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

function onPath(binary: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : undefined;
}

function goExecutable(): string | undefined {
  return onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

function goBinDir(go: string): string {
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
  if (existsSync(DOWNLOADED_CLI)) return DOWNLOADED_CLI;
  const go = goExecutable();
  const built = go ? path.join(goBinDir(go), 'temporal') : undefined;
  return built && existsSync(built) ? built : undefined;
}

/** Returns the Temporal CLI, downloading or building it first when this machine has none. */
export async function provisionTemporalCli(log: Log = stderrLog): Promise<string> {
  const existing = findTemporalCli();
  if (existing) return existing;
  if (process.env.TEMPORAL_CLI_PATH) {
    throw new Error(`TEMPORAL_CLI_PATH=${process.env.TEMPORAL_CLI_PATH} does not exist`);
  }
  if (await reachable(DOWNLOAD_SITE)) {
    try {
      return await downloadWithSdk(log);
    } catch (error) {
      log(`Downloading the Temporal CLI failed (${error instanceof Error ? error.message : String(error)}); building it instead.`);
    }
  } else {
    log(`${DOWNLOAD_SITE} cannot be reached from this machine, so the Temporal CLI is built from source instead.`);
  }
  return buildWithGo(log);
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * The SDK downloads the CLI only as part of starting a dev server, into a file name of its own
 * choosing; starting one briefly and keeping the newest executable it left is the supported way
 * to get the same binary the SDK's tests use.
 */
async function downloadWithSdk(log: Log): Promise<string> {
  log('Downloading the Temporal CLI (dev server and Web UI) through the Temporal SDK…');
  mkdirSync(DOWNLOAD_DIR, { recursive: true });
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const environment = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'cached-download', downloadDir: DOWNLOAD_DIR, ttl: '3650d' } },
  });
  await environment.teardown();
  const executables = readdirSync(DOWNLOAD_DIR)
    .map((name) => path.join(DOWNLOAD_DIR, name))
    .filter((file) => file !== DOWNLOADED_CLI && statSync(file).isFile() && (statSync(file).mode & 0o111) !== 0)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const downloaded = executables[0];
  if (!downloaded) throw new Error(`the SDK started a dev server but left no executable in ${DOWNLOAD_DIR}`);
  renameSync(downloaded, DOWNLOADED_CLI);
  chmodSync(DOWNLOADED_CLI, 0o755);
  log(`Temporal CLI downloaded to ${DOWNLOADED_CLI}`);
  return DOWNLOADED_CLI;
}

async function buildWithGo(log: Log): Promise<string> {
  const go = goExecutable();
  if (!go) {
    throw new Error(
      'No Temporal CLI found. Install it (https://docs.temporal.io/cli), put `temporal` on PATH or set TEMPORAL_CLI_PATH, ' +
        `or install Go so it can be built with: go install ${TEMPORAL_CLI_MODULE}`,
    );
  }
  log(
    `Building the Temporal CLI once for this machine (go install ${TEMPORAL_CLI_MODULE}). ` +
      'A first build takes 10–15 minutes on a 2-core machine; progress is reported every 30 s. ' +
      'To skip it, put a `temporal` binary on PATH or set TEMPORAL_CLI_PATH.',
  );
  const started = Date.now();
  const progress = { modules: 0, packages: 0 };
  // -v names each package as it is compiled, which is the only progress `go install` reports.
  const build = spawn(go, ['install', '-v', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'pipe', 'pipe'] });
  const errors: string[] = [];
  let pending = '';
  build.stderr.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('go: downloading ')) progress.modules += 1;
      else if (/^[\w.-]+(\/[\w.@+-]+)*$/.test(line.trim())) progress.packages += 1;
      else if (line.trim()) errors.push(line);
    }
  });
  build.stdout.resume();
  const timer = setInterval(() => log(buildProgressLine(progress, Date.now() - started)), PROGRESS_EVERY_MS);
  const code = await new Promise<number | null>((resolve) => build.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) {
    throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed with exit code ${code}${errors.length ? `:\n${errors.slice(-20).join('\n')}` : ''}`);
  }
  const built = findTemporalCli();
  if (!built) throw new Error('go install reported success but no temporal binary was found in GOBIN');
  log(`Temporal CLI built in ${formatMinutes(Date.now() - started)}: ${built}`);
  return built;
}

export function buildProgressLine(progress: { modules: number; packages: number }, elapsedMs: number): string {
  const elapsed = formatMinutes(elapsedMs);
  // A warm Go cache compiles nothing new and only links, so neither count moves.
  if (progress.packages === 0 && progress.modules === 0) return `  …building from Go's cache, ${elapsed} elapsed`;
  if (progress.packages === 0) return `  …fetching Go modules: ${progress.modules} downloaded, ${elapsed} elapsed`;
  const share = Math.min(99, Math.floor((progress.packages * 100) / TYPICAL_PACKAGE_COUNT));
  return `  …compiling: ${progress.packages} of about ${TYPICAL_PACKAGE_COUNT} packages (~${share}%), ${elapsed} elapsed`;
}

function formatMinutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

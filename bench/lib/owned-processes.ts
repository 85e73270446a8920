import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * The product and emulator processes a benchmark starts die with it. Its own `finally` stops
 * them on an ordinary failure, but a crash (an unhandled rejection, an uncaught exception), a
 * SIGTERM from the suite's time limit or Ctrl-C ends the process without running it, and the
 * orphans then kept using CPU (about 50% of a core) under the next benchmark's figures.
 *
 * Each owned process leads its own process group, so stopping it stops whatever it started
 * too; a process that ignores SIGTERM is killed after a grace period. On a signal or a crash,
 * registered cleanups run (bounded in time), every owned group is stopped, and the process
 * exits; on any exit, whatever is still owned gets SIGKILL.
 */
const owned = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<unknown>>();
let installed = false;
let shuttingDown = false;

const GRACE_MS = 2_000;
const CLEANUP_BUDGET_MS = 5_000;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already; its leader may still be reaped by us.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function exited(child: ChildProcess): Promise<void> {
  return running(child) ? new Promise((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
}

/** SIGTERM to the child's whole group, SIGKILL after `graceMs` if it is still there; resolves once it has exited. */
export async function stopOwned(child: ChildProcess, graceMs = GRACE_MS): Promise<void> {
  if (!running(child)) return;
  signalGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (running(child)) signalGroup(child, 'SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([exited(child), late]);
  await exited(child);
  clearTimeout(timer);
}

/** Starts a process this one owns: its own process group, stopped with this process however it ends. */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  install();
  const child = spawn(command, args, { ...options, detached: true });
  owned.add(child);
  child.once('exit', () => owned.delete(child));
  return child;
}

/** Async work to do (stop a server, drop a database) before this process ends on a signal or a crash. */
export function onInterrupt(cleanup: () => Promise<unknown>): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

async function shutDown(code: number, reason: string): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    process.stderr.write(`${reason}; stopping ${owned.size} owned process${owned.size === 1 ? '' : 'es'}\n`);
    const budget = new Promise((resolve) => setTimeout(resolve, CLEANUP_BUDGET_MS).unref());
    await Promise.race([Promise.allSettled([...cleanups].map((cleanup) => cleanup())), budget]);
    await Promise.all([...owned].map((child) => stopOwned(child)));
  }
  process.exit(code);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const child of owned) signalGroup(child, 'SIGKILL');
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => void shutDown(code, `received ${signal}`));
  }
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
    void shutDown(1, 'unhandled rejection');
  });
  process.on('uncaughtException', (error) => {
    process.stderr.write(`uncaught exception: ${error.stack ?? String(error)}\n`);
    void shutDown(1, 'uncaught exception');
  });
}

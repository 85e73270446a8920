import type { ChildProcess } from 'node:child_process';

/**
 * The product and emulator processes a benchmark starts die with it. Its own `finally` stops
 * them on an ordinary failure, but a crash (an unhandled rejection), a SIGTERM from the suite's
 * time limit or Ctrl-C ends the process without running it, and the orphans then kept using
 * CPU under the next benchmark's figures.
 */
const owned = new Set<ChildProcess>();
let installed = false;

export function ownChildProcess<T extends ChildProcess>(child: T): T {
  owned.add(child);
  child.once('exit', () => owned.delete(child));
  if (!installed) {
    installed = true;
    process.on('exit', stopOwnedProcesses);
    // Without a handler these signals end the process without an 'exit' event.
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code));
  }
  return child;
}

function stopOwnedProcesses(): void {
  for (const child of owned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

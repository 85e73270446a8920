import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * A small supervisor for the dev stack: starts named child processes with their output
 * written to .data/logs/<name>.log (and the lines the caller asks for echoed on the terminal,
 * prefixed with the child's name), and stops them all on Ctrl-C.
 */
export class Children {
  private readonly running: Array<{ name: string; child: ChildProcess }> = [];
  private stopping = false;

  /** `shown` decides which of a child's lines also reach the terminal; every line reaches its log file. */
  constructor(private readonly logDir: string, private readonly shown: (name: string, line: string) => boolean = () => true) {
    mkdirSync(logDir, { recursive: true });
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  /** A `oneShot` child (the demo seed) is expected to exit; any other exit stops the stack. */
  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, options: { oneShot?: boolean } = {}): ChildProcess {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(this.logFile(name), { flags: 'a' });
    const echoTo = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() && this.shown(name, line)) stream.write(`[${name}] ${line}\n`);
      }
    };
    child.stdout?.on('data', echoTo(process.stdout));
    child.stderr?.on('data', echoTo(process.stderr));
    child.on('exit', (code, signal) => {
      log.end();
      if (!this.stopping && !(options.oneShot && code === 0)) {
        process.stderr.write(`[${name}] exited (${signal ?? code}); stopping the stack. See ${this.logFile(name)}\n`);
        void this.stopAll().then(() => process.exit(1));
      }
    });
    this.running.push({ name, child });
    return child;
  }

  /**
   * Every child is told at once, then awaited. The embedded PostgreSQL package ends this process
   * on SIGINT as soon as its own server is down (its exit hook), so telling one child only after
   * the last has gone left the later ones (the emulators, Temporal) running, holding their ports.
   */
  async stopAll(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const live = [...this.running].reverse().map(({ child }) => child).filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(live.map((child) => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      return exited.finally(() => clearTimeout(timer));
    }));
  }
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s`);
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

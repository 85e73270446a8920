import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';

/**
 * One product process (the API or the worker) that a fault-injection run can kill without
 * warning and start again: each start appends to the same log, `ready()` is asked after every
 * start, and an exit nobody asked for is counted rather than ignored.
 */
export interface RestartableOptions {
  name: string;
  /** The entry file, run by this node with tsx (not the tsx launcher, which forks again), or as compiled JavaScript. */
  entry: string;
  /** `node`: the entry is compiled JavaScript, run as production runs it. Default tsx. */
  runWith?: 'tsx' | 'node';
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: string;
  /** True once the process serves; errors mean "not yet". */
  ready(): Promise<boolean>;
  readyTimeoutMs?: number;
}

export class Restartable {
  private child: ChildProcess | undefined;
  private expectingExit = false;
  /** Exits that no kill() or stop() asked for. */
  unexpectedExits = 0;
  starts = 0;

  constructor(private readonly options: RestartableOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  async start(): Promise<void> {
    const fd = openSync(this.options.log, 'a');
    const entry = path.join(this.options.cwd, this.options.entry);
    const child = spawn(process.execPath, this.options.runWith === 'node' ? [entry] : ['--import', 'tsx', entry], {
      cwd: this.options.cwd, env: this.options.env, stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.expectingExit = false;
    this.starts += 1;
    child.once('exit', () => {
      if (!this.expectingExit && this.child === child) this.unexpectedExits += 1;
    });
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 180_000);
    for (;;) {
      if (!this.running) throw new Error(`${this.options.name} exited while starting; see ${this.options.log}`);
      if (await this.options.ready().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.options.name} was not ready within ${(this.options.readyTimeoutMs ?? 180_000) / 1000} s; see ${this.options.log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL: no shutdown hooks run, as in a crash). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.kill('SIGTERM');
    clearTimeout(timer);
  }
}

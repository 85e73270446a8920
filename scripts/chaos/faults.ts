import type { MoovEmulatorAdmin } from '../../emulators/moov';
import type { Restartable } from '../lib/restartable';
import { spruceAdmin } from './seed';

/**
 * The faults of a chaos run, each counted: the worker and the API killed without warning
 * (SIGKILL) and started again, the Moov emulator's webhooks duplicated, delayed, jittered and
 * reordered under switches that change every few seconds, and Spruce taken down (503s or a
 * closed port) while a settlement is being auto-posted.
 */
export interface FaultCounts {
  kills: { worker: number; api: number };
  restartFailures: number;
  webhookFaultSettings: number;
  spruceOutages: { unavailable: number; refuse: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
const pick = <T>(values: T[]): T => values[Math.floor(Math.random() * values.length)]!;

export class Faults {
  readonly counts: FaultCounts = { kills: { worker: 0, api: 0 }, restartFailures: 0, webhookFaultSettings: 0, spruceOutages: { unavailable: 0, refuse: 0 } };
  private running = false;
  private loops: Array<Promise<void>> = [];

  constructor(
    /** The replicas of each kind; one at a time is killed (sometimes one of each at once). */
    private readonly processes: { worker: Restartable[]; api: Restartable[] },
    private readonly moov: MoovEmulatorAdmin,
    private readonly spruceUrl: string,
    private readonly options: { killEveryMs: [number, number]; log(line: string): void },
  ) {}

  start(): void {
    this.running = true;
    this.loops = [this.killLoop(), this.webhookLoop()];
  }

  /** Ends every fault and waits until every replica is up again. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.moov.clearWebhookFaults();
    await spruceAdmin(this.spruceUrl, 'PUT', '/admin/faults', { outage: 'none' });
    for (const process of [...this.processes.worker, ...this.processes.api]) if (!process.running) await this.restart(process);
  }

  /** Called as an auto-post starts: Spruce goes away for a few seconds, one way or the other. */
  async spruceOutage(): Promise<void> {
    if (!this.running) return;
    const outage = pick(['unavailable', 'refuse'] as const);
    const durationMs = between(2_000, 8_000);
    // Refused while an earlier refuse outage still has the port closed: that one covers this post.
    await spruceAdmin(this.spruceUrl, 'PUT', '/admin/faults', { outage, duration_ms: durationMs })
      .then(() => {
        this.counts.spruceOutages[outage] += 1;
      }, () => undefined);
  }

  private async killLoop(): Promise<void> {
    let turn: 'worker' | 'api' = Math.random() < 0.5 ? 'worker' : 'api';
    while (this.running) {
      await this.sleepWhileRunning(between(...this.options.killEveryMs));
      if (!this.running) break;
      const target = pick(this.processes[turn]);
      await target.kill('SIGKILL');
      this.counts.kills[turn] += 1;
      // Sometimes a worker and an API are down at once.
      if (Math.random() < 0.15) {
        const other = turn === 'worker' ? 'api' : 'worker';
        const alsoDown = pick(this.processes[other]);
        await alsoDown.kill('SIGKILL');
        this.counts.kills[other] += 1;
        await sleep(between(0, 1_500));
        await this.restart(alsoDown);
      }
      await sleep(between(0, 1_500));
      await this.restart(target);
      turn = turn === 'worker' ? 'api' : 'worker';
    }
  }

  private async restart(process: Restartable): Promise<void> {
    for (;;) {
      try {
        await process.start();
        return;
      } catch (error) {
        this.counts.restartFailures += 1;
        this.options.log(`restart failed, trying again: ${(error as Error).message}`);
        await process.kill('SIGKILL');
        await sleep(1_000);
      }
    }
  }

  private async webhookLoop(): Promise<void> {
    while (this.running) {
      await this.moov.setWebhookFaults({
        duplicate: pick([0, 1, 1, 2]),
        delayMs: pick([0, 0, 300, 1_500]),
        jitterMs: pick([0, 500, 2_000]),
        reorder: Math.random() < 0.4,
      }).catch((error: Error) => this.options.log(`could not set webhook faults: ${error.message}`));
      this.counts.webhookFaultSettings += 1;
      await this.sleepWhileRunning(between(2_000, 6_000));
    }
  }

  private async sleepWhileRunning(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
  }
}

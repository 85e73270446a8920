import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { MoovEvent, WebhookRegistration } from './model';

/**
 * Delivers events to the registered URL the way Moov does: POST of `{eventID, type, data,
 * createdOn}` with X-Timestamp, X-Nonce, X-Webhook-ID and X-Signature = hex HMAC-SHA512 of
 * `timestamp|nonce|webhookID` under the signing secret. The body is not covered by the
 * signature (Moov's design), which is why receivers must treat events as hints and re-read.
 * Failed deliveries are retried with backoff. Fault switches let tests see duplicates, delays,
 * reordering and lost events.
 */
export interface WebhookFaults {
  /** Extra copies of every event (same eventID, fresh nonce and signature). */
  duplicate: number;
  /** The next N events are dropped (never delivered, as if lost). */
  drop: number;
  /** Every delivery waits this long first. */
  delayMs: number;
  /** Events are held and delivered newest first when flushed (by flush() or after reorderWindowMs). */
  reorder: boolean;
  /** Every delivery (each copy separately) waits a random 0…jitterMs more, so copies and neighbours arrive out of order. */
  jitterMs: number;
}

/** How many deliveries each fault has touched since the emulator started (a chaos run reports them). */
export interface InjectedFaults {
  /** Extra copies sent by `duplicate`. */
  duplicated: number;
  /** Events lost to `drop`. */
  dropped: number;
  /** Copies held back by `delayMs` or `jitterMs`. */
  delayed: number;
  /** Events held by `reorder` and released newest first. */
  reordered: number;
}

export interface WebhookDelivery {
  eventID: string;
  type: string;
  attempt: number;
  copy: number;
  at: string;
  outcome: 'delivered' | 'failed' | 'dropped' | 'no-endpoint';
  status?: number;
  error?: string;
}

export const NO_FAULTS: WebhookFaults = { duplicate: 0, drop: 0, delayMs: 0, reorder: false, jitterMs: 0 };

export function signWebhook(secret: string, timestamp: string, nonce: string, webhookID: string): string {
  return createHmac('sha512', secret).update(`${timestamp}|${nonce}|${webhookID}`).digest('hex');
}

export interface DispatcherOptions {
  registration: () => WebhookRegistration;
  retryDelaysMs: number[];
  reorderWindowMs: number;
}

export class WebhookDispatcher {
  faults: WebhookFaults = { ...NO_FAULTS };
  readonly injected: InjectedFaults = { duplicated: 0, dropped: 0, delayed: 0, reordered: 0 };
  readonly deliveries: WebhookDelivery[] = [];
  private held: MoovEvent[] = [];
  private reorderTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: DispatcherOptions) {}

  setFaults(changes: Partial<WebhookFaults>): WebhookFaults {
    this.faults = { ...this.faults, ...changes };
    if (!this.faults.reorder) this.flush();
    return this.faults;
  }

  publish(event: MoovEvent): void {
    if (this.stopped) return;
    if (this.faults.drop > 0) {
      this.faults.drop -= 1;
      this.injected.dropped += 1;
      this.record(event, 0, 0, { outcome: 'dropped' });
      return;
    }
    if (this.faults.reorder) {
      this.held.push(event);
      this.reorderTimer ??= this.later(() => this.flush(), this.options.reorderWindowMs);
      return;
    }
    this.send(event);
  }

  /** Releases events held for reordering, newest first. */
  flush(): void {
    if (this.reorderTimer) {
      clearTimeout(this.reorderTimer);
      this.timers.delete(this.reorderTimer);
      this.reorderTimer = undefined;
    }
    const held = this.held.reverse();
    this.held = [];
    if (held.length > 1) this.injected.reordered += held.length;
    for (const event of held) this.send(event);
  }

  /** Resolves when nothing is being delivered right now (retries scheduled later do not count). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private send(event: MoovEvent): void {
    this.injected.duplicated += this.faults.duplicate;
    for (let copy = 0; copy <= this.faults.duplicate; copy += 1) {
      const go = () => this.attempt(event, 1, copy);
      const wait = this.faults.delayMs + (this.faults.jitterMs > 0 ? randomInt(this.faults.jitterMs + 1) : 0);
      if (wait > 0) {
        this.injected.delayed += 1;
        this.later(go, wait);
      } else {
        go();
      }
    }
  }

  private attempt(event: MoovEvent, attempt: number, copy: number): void {
    if (this.stopped) return;
    const registration = this.options.registration();
    if (!registration.url || !registration.secret) {
      this.record(event, attempt, copy, { outcome: 'no-endpoint' });
      return;
    }
    const timestamp = new Date().toISOString();
    const nonce = randomUUID();
    const delivery = fetch(registration.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Timestamp': timestamp,
        'X-Nonce': nonce,
        'X-Webhook-ID': registration.webhookID,
        'X-Signature': signWebhook(registration.secret, timestamp, nonce, registration.webhookID),
      },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.record(event, attempt, copy, { outcome: 'delivered', status: response.status });
        } else {
          this.record(event, attempt, copy, { outcome: 'failed', status: response.status });
          this.retry(event, attempt, copy);
        }
      })
      .catch((error: Error) => {
        this.record(event, attempt, copy, { outcome: 'failed', error: error.message });
        this.retry(event, attempt, copy);
      })
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  private retry(event: MoovEvent, attempt: number, copy: number): void {
    const delay = this.options.retryDelaysMs[attempt - 1];
    if (delay !== undefined) this.later(() => this.attempt(event, attempt + 1, copy), delay);
  }

  private later(run: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private record(event: MoovEvent, attempt: number, copy: number, result: Pick<WebhookDelivery, 'outcome' | 'status' | 'error'>): void {
    this.deliveries.push({ eventID: event.eventID, type: event.type, attempt, copy, at: new Date().toISOString(), ...result });
    if (this.deliveries.length > 5000) this.deliveries.splice(0, this.deliveries.length - 5000);
  }
}

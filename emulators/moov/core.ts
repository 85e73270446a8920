import { randomUUID } from 'node:crypto';
import type { MoovEvent, MoovState } from './model';

/**
 * The state every part of the emulator shares, its clock, and the event feed. The clock is
 * wall time plus an offset that admin calls can push forward, so a test can jump two business
 * days without waiting and timestamps stay consistent.
 */
export class MoovHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`);
  }
}

export const notFound = (what: string) => new MoovHttpError(404, { error: `${what} not found` });

export interface Timing {
  /** Length of one emulated business day in wall-clock ms (ACH timing is counted in these). */
  achBusinessDayMs: number;
  /** Business days from creation until an ACH leg clears (1–3 in real life). */
  achClearingBusinessDays: number;
  /** Business days from creation until an ACH entry is sent to the network (after which it cannot be canceled). */
  achOriginateBusinessDays: number;
  /** Business days after clearing until a late return arrives (magic amounts 92NN, accounts 99000000NN). */
  achLateReturnBusinessDays: number;
  /** Card authorization answer arrives this long after the transfer is created. */
  cardAuthorizeMs: number;
  /** Card capture settles (and the transfer completes) this long after authorization. */
  cardSettleMs: number;
  /** A card refund is confirmed cardAuthorizeMs after it is created and completes this long after that. */
  refundSettleMs: number;
  /** Business days a new dispute gives the merchant to respond when the admin call names no respondBy. */
  disputeResponseBusinessDays: number;
  /** How long X-Wait-For: rail-response waits before answering 202 with what is known. */
  railResponseTimeoutMs: number;
}

export const DEFAULT_TIMING: Timing = {
  achBusinessDayMs: 24 * 60 * 60 * 1000,
  achClearingBusinessDays: 2,
  achOriginateBusinessDays: 0.25,
  achLateReturnBusinessDays: 2,
  cardAuthorizeMs: 300,
  cardSettleMs: 700,
  refundSettleMs: 700,
  disputeResponseBusinessDays: 7,
  railResponseTimeoutMs: 5000,
};

const MAX_EVENTS = 2000;

export class EmulatorCore {
  private readonly listeners = new Set<(event: MoovEvent) => void>();
  private readonly transferWatchers = new Map<string, Set<() => void>>();

  constructor(
    readonly state: MoovState,
    readonly timing: Timing,
    readonly partnerAccountID: string,
    private readonly persist: () => void,
  ) {}

  now(): number {
    return Date.now() + this.state.clockOffsetMs;
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }

  changed(): void {
    this.persist();
  }

  onEvent(listener: (event: MoovEvent) => void): void {
    this.listeners.add(listener);
  }

  emit(type: string, data: Record<string, unknown>): MoovEvent {
    const event: MoovEvent = { eventID: randomUUID(), type, data, createdOn: this.iso() };
    this.state.events.push(event);
    if (this.state.events.length > MAX_EVENTS) this.state.events.splice(0, this.state.events.length - MAX_EVENTS);
    this.persist();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Wakes anyone waiting on this transfer (X-Wait-For) after it changed. */
  touched(transferID: string): void {
    for (const wake of this.transferWatchers.get(transferID) ?? []) wake();
  }

  /** Resolves when `ready()` holds for the transfer, or after timeoutMs (resolving false). */
  waitFor(transferID: string, ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const watchers = this.transferWatchers.get(transferID) ?? new Set();
      this.transferWatchers.set(transferID, watchers);
      const done = (result: boolean) => {
        clearTimeout(timer);
        watchers.delete(check);
        if (watchers.size === 0) this.transferWatchers.delete(transferID);
        resolve(result);
      };
      const check = () => {
        if (ready()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      watchers.add(check);
    });
  }
}

import { createHash } from 'node:crypto';
import type { Db } from '../../db/connection';
import type { MoovEmulatorAdmin } from '../../emulators/moov';
import type { Session } from './api-client';
import type { PlannedPayment } from './plan';

/**
 * Money that moves after Settled, during the chaos run: for a share of the payments that
 * settle, a late ACH return (R10, within the 60 days), a card chargeback lost (whole or part) or
 * won, or an operator's refund (the rest, or an amount, by card or ACH). Each is started a
 * while after the payment settled, some while its first workflow run is still open and some
 * after it closed, through Moov's own events (the emulator's admin routes; the webhooks then
 * go through the run's fault injection) or the console's refund route (retried under its
 * request id while the API is down). What each should end as is in `expectedAfter`.
 */
export type Aftermath =
  | 'late_return'
  | 'chargeback_lost'
  | 'chargeback_lost_partly'
  | 'chargeback_won'
  | 'refund_rest'
  | 'refund_partly'
  | 'ach_refund_partly';

/** Which settled payments get something after settlement: by method and position, deterministic. */
export function aftermathFor(payment: Pick<PlannedPayment, 'index' | 'scenario'>): Aftermath | undefined {
  if (payment.scenario === 'ach_cleared') return ([undefined, undefined, 'late_return', undefined, 'ach_refund_partly', undefined] as const)[payment.index % 6];
  if (payment.scenario === 'card_cleared') return ([undefined, 'chargeback_lost', 'chargeback_lost_partly', 'chargeback_won', 'refund_rest', 'refund_partly'] as const)[payment.index % 6];
  return undefined;
}

/** How much of the payment goes back: a part is a third (rounded down), never the whole. */
export function reversedCentsAfter(aftermath: Aftermath | undefined, amountCents: number): number {
  switch (aftermath) {
    case 'late_return':
    case 'chargeback_lost':
    case 'refund_rest':
      return amountCents;
    case 'chargeback_lost_partly':
    case 'refund_partly':
    case 'ach_refund_partly':
      return Math.floor(amountCents / 3);
    default:
      return 0;
  }
}

export const STATUS_AFTER: Record<Aftermath, string> = {
  late_return: 'returned',
  chargeback_lost: 'charged_back',
  chargeback_lost_partly: 'settled',
  chargeback_won: 'settled',
  refund_rest: 'refunded',
  refund_partly: 'settled',
  ach_refund_partly: 'settled',
};

interface Task {
  planned: PlannedPayment;
  aftermath: Aftermath;
  step: 'waiting' | 'disputed' | 'done';
  paymentId?: string;
  transferId?: string;
  disputeId?: string;
  dueAt?: number;
  requestId: string;
}

const DISPUTE_DECIDED_AFTER_MS = 4_000;

export class AftermathDriver {
  readonly counts: Record<Aftermath, number> = {
    late_return: 0, chargeback_lost: 0, chargeback_lost_partly: 0, chargeback_won: 0, refund_rest: 0, refund_partly: 0, ach_refund_partly: 0,
  };
  readonly failures: string[] = [];
  private readonly tasks: Task[];
  /**
   * An R10 disables the customer's bank account, here (domain/ach-returns.ts) and at Moov, so
   * the late returns, all on one customer of their own, wait until every payment was submitted
   * and every one of that customer's payments cleared: on a loaded machine submissions and
   * transfer creation outlast the first settlements, and that customer's later payments would
   * be refused for a disabled account rather than returned late as planned.
   */
  private submissionsDone = false;

  private lateReturnsMayStart(): boolean {
    return this.submissionsDone && this.tasks.every((task) => task.aftermath !== 'late_return' || task.step === 'done' || Boolean(task.paymentId));
  }

  constructor(
    private readonly db: Db,
    private readonly moov: MoovEmulatorAdmin,
    private readonly operator: Session,
    plan: PlannedPayment[],
    private readonly options: { runId: string; businessDayMs: number; log(line: string): void },
  ) {
    this.tasks = plan.flatMap((planned) => {
      const aftermath = aftermathFor(planned);
      // The console sends a fresh uuid per refund dialog; the run derives one per payment, so its retries repeat it.
      return aftermath ? [{ planned, aftermath, step: 'waiting' as const, requestId: uuidFrom(`${options.runId}-after-${planned.index}`) }] : [];
    });
  }

  get planned(): number {
    return this.tasks.length;
  }

  allSubmitted(): void {
    this.submissionsDone = true;
  }

  /** Tasks whose payment settled and whose movement is not done yet. */
  get pending(): number {
    return this.tasks.filter((task) => task.step !== 'done').length;
  }

  /**
   * One pass: start what is due, decide disputes opened a few seconds ago. A payment that never
   * settled (the workflow failed it, say) is dropped from the plan and reported.
   */
  async pass(): Promise<void> {
    const waiting = this.tasks.filter((task) => task.step === 'waiting' && !task.paymentId);
    if (waiting.length) {
      const rows: Array<{ id: string; idempotency_key: string; status: string; settled_at: Date | null; moov_transfer_id: string | null }> = await this.db('payments')
        .whereIn('idempotency_key', waiting.map((task) => task.planned.idempotencyKey)).select('id', 'idempotency_key', 'status', 'settled_at', 'moov_transfer_id');
      const byKey = new Map(rows.map((row) => [row.idempotency_key, row]));
      for (const task of waiting) {
        const row = byKey.get(task.planned.idempotencyKey);
        if (!row) continue;
        if (row.status === 'failed') {
          task.step = 'done';
          this.failures.push(`${task.planned.invoiceNumber}: ${task.aftermath} planned, but the payment failed`);
          continue;
        }
        if (row.status !== 'settled' || !row.settled_at || !row.moov_transfer_id) continue;
        task.paymentId = row.id;
        task.transferId = row.moov_transfer_id;
        // A third while the first run still watches its return window, the rest after it closed.
        const delayBusinessDays = [1, 8, 12][task.planned.index % 3]!;
        task.dueAt = new Date(row.settled_at).getTime() + delayBusinessDays * this.options.businessDayMs;
      }
    }
    const now = Date.now();
    for (const task of this.tasks) {
      if (task.step === 'done' || !task.paymentId || (task.dueAt ?? Infinity) > now) continue;
      if (task.aftermath === 'late_return' && !this.lateReturnsMayStart()) continue;
      try {
        await this.advance(task);
      } catch (error) {
        this.options.log(`aftermath ${task.aftermath} of ${task.planned.invoiceNumber}: ${(error as Error).message} (retried next pass)`);
      }
    }
  }

  private async advance(task: Task): Promise<void> {
    const amount = task.planned.amountCents;
    switch (task.aftermath) {
      case 'late_return':
        // R10 (not authorized), within Nacha's 60 days; the plan keeps these on a customer of their own.
        await this.moov.returnTransfer(task.transferId!, 'R10');
        return this.done(task);
      case 'chargeback_lost':
      case 'chargeback_lost_partly':
      case 'chargeback_won': {
        if (task.step === 'waiting') {
          const partial = task.aftermath === 'chargeback_lost_partly' ? reversedCentsAfter(task.aftermath, amount) : undefined;
          const dispute = await this.moov.disputeTransfer(task.transferId!, partial);
          task.disputeId = dispute.disputeID;
          task.step = 'disputed';
          task.dueAt = Date.now() + DISPUTE_DECIDED_AFTER_MS;
          return;
        }
        await this.moov.resolveDispute(task.transferId!, task.disputeId!, task.aftermath === 'chargeback_won' ? 'won' : 'lost');
        return this.done(task);
      }
      case 'refund_rest':
      case 'refund_partly':
      case 'ach_refund_partly': {
        const body = task.aftermath === 'refund_rest'
          ? { request_id: task.requestId, reason: 'Order cancelled (chaos run)' }
          : { request_id: task.requestId, reason: 'Part of the order returned (chaos run)', amount_cents: reversedCentsAfter(task.aftermath, amount) };
        const answer = await this.operator.post(`/api/operator/payments/${task.paymentId}/refund`, body);
        // Busy (the payment's workflow recovering from a killed worker) is asked again, as an operator would.
        if (answer.status === 503) throw new Error(`refund answered 503 ${JSON.stringify(answer.body).slice(0, 200)}`);
        if (answer.status !== 200) {
          // A refusal is final for this request: it would be refused again.
          this.failures.push(`${task.planned.invoiceNumber}: refund answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
        return this.done(task);
      }
    }
  }

  private done(task: Task): void {
    task.step = 'done';
    this.counts[task.aftermath] += 1;
  }
}

function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

import { createHash, randomInt, randomUUID } from 'node:crypto';
import { MoovHttpError, notFound, type EmulatorCore } from './core';
import type { Instruments } from './instruments';
import { disputeHeldCents, refundedCents } from './disputes';
import type {
  CancellationRecord,
  FailureReason,
  LegRecord,
  PaymentMethodRecord,
  RefundRecord,
  ScheduledStep,
  StepName,
  TransferRecord,
  TransferStatus,
} from './model';
import { NOC_REASONS, isReturnCode, outcomeFor, returnReason } from './scenarios';

/**
 * Transfers and their lifecycle. A transfer has a source and a destination leg; the bank or
 * card leg moves through Moov's rail statuses on the emulator clock (ACH: initiated →
 * originated → [corrected] → completed, maybe returned; card: initiated → confirmed →
 * settled → completed, or failed) and the transfer status follows (created → pending →
 * completed | failed | reversed | canceled). Every change is an event (transfer.updated with
 * `source.originated` etc.) that the webhook dispatcher delivers.
 */
const SOURCE_TYPES = new Set(['ach-debit-collect', 'ach-debit-fund', 'card-payment', 'moov-wallet']);
const DESTINATION_TYPES = new Set(['moov-wallet', 'ach-credit-standard', 'ach-credit-same-day']);
const MAX_IDEMPOTENCY_KEY_LENGTH = 36;
const MAX_AMOUNT_CENTS = 100_000_000_00;

type Side = 'source' | 'destination';

const railOf = (type: PaymentMethodRecord['paymentMethodType']): LegRecord['rail'] =>
  type.startsWith('ach-') ? 'ach' : type === 'card-payment' ? 'card' : 'wallet';

const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');

/** Same JSON whatever the key order, so a retried request hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
const hashOf = (value: unknown) => createHash('sha256').update(canonical(value ?? null)).digest('hex');

const obj = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

export class IdempotentReplay extends Error {
  constructor(readonly transferID: string) {
    super('idempotent replay');
  }
}

export interface TransferListFilter {
  status?: string;
  foreignID?: string;
  accountIDs?: string[];
  startDateTime?: string;
  endDateTime?: string;
  skip: number;
  count: number;
}

export class TransferBook {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly core: EmulatorCore,
    private readonly instruments: Instruments,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  private get state() {
    return this.core.state;
  }

  // ---- reading --------------------------------------------------------------------------

  transfer(transferID: string): TransferRecord {
    const transfer = this.state.transfers[transferID];
    if (!transfer) throw notFound('transfer');
    return transfer;
  }

  /** A transfer as seen from an account: its partner or one of its two sides; anyone else gets 404. */
  visible(accountID: string, transferID: string): TransferRecord {
    const transfer = this.state.transfers[transferID];
    if (!transfer || ![transfer.partnerAccountID, transfer.source.accountID, transfer.destination.accountID].includes(accountID)) throw notFound('transfer');
    return transfer;
  }

  list(accountID: string, filter: TransferListFilter): TransferRecord[] {
    this.instruments.account(accountID);
    const start = filter.startDateTime ? Date.parse(filter.startDateTime) : undefined;
    const end = filter.endDateTime ? Date.parse(filter.endDateTime) : undefined;
    return Object.values(this.state.transfers)
      .filter((t) => [t.partnerAccountID, t.source.accountID, t.destination.accountID].includes(accountID))
      .filter((t) => !filter.status || t.status === filter.status)
      .filter((t) => !filter.foreignID || t.foreignID === filter.foreignID)
      .filter((t) => !filter.accountIDs?.length || filter.accountIDs.includes(t.source.accountID) || filter.accountIDs.includes(t.destination.accountID))
      .filter((t) => start === undefined || Date.parse(t.createdOn) >= start)
      .filter((t) => end === undefined || Date.parse(t.createdOn) <= end)
      .sort((a, b) => b.createdOn.localeCompare(a.createdOn) || b.transferID.localeCompare(a.transferID))
      .slice(filter.skip, filter.skip + filter.count);
  }

  /** Which of the participants' payment methods could be used for this pair (Moov's transfer-options). */
  options(accountID: string, body: Record<string, unknown>): { sourceOptions: PaymentMethodRecord[]; destinationOptions: PaymentMethodRecord[] } {
    this.instruments.account(accountID);
    const pick = (side: Record<string, unknown> | undefined, allowed: Set<string>, field: 'source' | 'destination') => {
      if (!side) throw new MoovHttpError(422, { [field]: 'is required' });
      if (typeof side.paymentMethodID === 'string') {
        const method = this.state.paymentMethods[side.paymentMethodID];
        if (!method || method.disabledOn) throw new MoovHttpError(422, { [field]: 'payment method not found' });
        return allowed.has(method.paymentMethodType) ? [method] : [];
      }
      if (typeof side.accountID !== 'string' || !this.state.accounts[side.accountID]) throw new MoovHttpError(422, { [field]: 'accountID or paymentMethodID is required' });
      return this.instruments.listPaymentMethods(side.accountID, {}).filter((method) => allowed.has(method.paymentMethodType));
    };
    const amount = obj(body.amount);
    if (!amount || !Number.isInteger(amount.value) || (amount.value as number) <= 0) throw new MoovHttpError(422, { amount: 'value must be a positive integer number of cents' });
    return { sourceOptions: pick(obj(body.source), SOURCE_TYPES, 'source'), destinationOptions: pick(obj(body.destination), DESTINATION_TYPES, 'destination') };
  }

  // ---- creating -------------------------------------------------------------------------

  /**
   * Creates a transfer once per X-Idempotency-Key: the same key with the same body throws
   * IdempotentReplay (the route answers 409 with the original, as Moov does); the same key
   * with a different body is refused.
   */
  create(pathAccountID: string, idempotencyKey: string | undefined, body: Record<string, unknown>): TransferRecord {
    this.instruments.account(pathAccountID);
    if (!idempotencyKey) throw new MoovHttpError(400, { error: 'X-Idempotency-Key header is required' });
    if (idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new MoovHttpError(400, { error: `X-Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` });
    const keyID = `transfer:${pathAccountID}:${idempotencyKey}`;
    const requestHash = hashOf(body);
    const seen = this.state.idempotency[keyID];
    if (seen) {
      if (seen.requestHash !== requestHash) {
        throw new MoovHttpError(400, { error: `X-Idempotency-Key ${idempotencyKey} was already used for a different transfer request (transfer ${seen.transferID})` });
      }
      throw new IdempotentReplay(seen.transferID);
    }

    const errors: Record<string, string> = {};
    const amount = obj(body.amount);
    const value = amount?.value;
    if (!amount || !Number.isInteger(value) || (value as number) <= 0 || (value as number) > MAX_AMOUNT_CENTS) errors.amount = 'value must be a positive integer number of cents';
    else if (amount.currency !== 'USD') errors.amount = 'currency must be USD';
    const source = obj(body.source);
    const destination = obj(body.destination);
    const sourceMethod = typeof source?.paymentMethodID === 'string' ? this.state.paymentMethods[source.paymentMethodID] : undefined;
    const destinationMethod = typeof destination?.paymentMethodID === 'string' ? this.state.paymentMethods[destination.paymentMethodID] : undefined;
    if (!sourceMethod || sourceMethod.disabledOn) errors.sourcePaymentMethodID = 'payment method not found or disabled';
    else if (!SOURCE_TYPES.has(sourceMethod.paymentMethodType)) errors.sourcePaymentMethodID = `${sourceMethod.paymentMethodType} cannot be a transfer source`;
    if (!destinationMethod || destinationMethod.disabledOn) errors.destinationPaymentMethodID = 'payment method not found or disabled';
    else if (!DESTINATION_TYPES.has(destinationMethod.paymentMethodType)) errors.destinationPaymentMethodID = `${destinationMethod.paymentMethodType} cannot be a transfer destination`;
    if (sourceMethod && destinationMethod && railOf(sourceMethod.paymentMethodType) !== 'wallet' && railOf(destinationMethod.paymentMethodType) !== 'wallet') {
      errors.source = 'the emulator moves money between a bank account or card and a wallet: one side must be a moov-wallet';
    }
    if (sourceMethod && destinationMethod && ![sourceMethod.accountID, destinationMethod.accountID, this.core.partnerAccountID].includes(pathAccountID)) {
      errors.source = 'transfers are created under the partner account or one of the two participants';
    }
    const metadata = obj(body.metadata);
    if (metadata && !Object.values(metadata).every((v) => typeof v === 'string')) errors.metadata = 'values must be strings';
    if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 100)) errors.description = 'must be a string of at most 100 characters';
    if (Object.keys(errors).length > 0) throw new MoovHttpError(422, errors);

    const now = this.core.now();
    const legOf = (method: PaymentMethodRecord, details: Record<string, unknown> | undefined): LegRecord => {
      const rail = railOf(method.paymentMethodType);
      const partner = this.state.accounts[this.core.partnerAccountID];
      const ach = obj(details?.achDetails);
      const card = obj(details?.cardDetails);
      return {
        accountID: method.accountID,
        paymentMethodID: method.paymentMethodID,
        paymentMethodType: method.paymentMethodType,
        rail,
        ach:
          rail === 'ach'
            ? {
                status: 'initiated',
                traceNumber: digits(15),
                secCode: (typeof ach?.secCode === 'string' ? ach.secCode : this.state.accounts[method.accountID]?.accountType === 'individual' ? 'WEB' : 'CCD') as 'WEB',
                companyEntryDescription: typeof ach?.companyEntryDescription === 'string' ? ach.companyEntryDescription.slice(0, 10) : 'PAYMENT',
                originatingCompanyName: typeof ach?.originatingCompanyName === 'string' ? ach.originatingCompanyName.slice(0, 16) : partner?.displayName.slice(0, 16),
              }
            : undefined,
        card:
          rail === 'card'
            ? { status: 'initiated', dynamicDescriptor: typeof card?.dynamicDescriptor === 'string' ? card.dynamicDescriptor : partner?.displayName.slice(0, 22) }
            : undefined,
      };
    };
    const sourceLeg = legOf(sourceMethod!, source);
    const destinationLeg = legOf(destinationMethod!, destination);
    const achLeg = [sourceLeg, destinationLeg].find((leg) => leg.rail === 'ach');
    const bankNumber = achLeg ? this.bankOf(achLeg)?.accountNumber : undefined;
    const cardRecord = sourceLeg.rail === 'card' ? this.state.cards[sourceMethod!.source.id] : undefined;
    const transfer: TransferRecord = {
      transferID: randomUUID(),
      partnerAccountID: pathAccountID,
      createdOn: this.core.iso(now),
      updatedOn: this.core.iso(now),
      status: 'created',
      amount: value as number,
      currency: 'USD',
      description: body.description as string | undefined,
      metadata: metadata as Record<string, string> | undefined,
      foreignID: typeof body.foreignID === 'string' ? body.foreignID : undefined,
      source: sourceLeg,
      destination: destinationLeg,
      outcome: outcomeFor(value as number, sourceLeg.rail === 'card' ? 'card' : achLeg ? 'ach' : 'wallet', bankNumber, cardRecord?.alwaysDeclines),
      cancellations: [],
      refunds: [],
    };
    this.state.transfers[transfer.transferID] = transfer;
    this.state.idempotency[keyID] = { requestHash, transferID: transfer.transferID };
    this.core.emit('transfer.created', { accountID: transfer.partnerAccountID, transferID: transfer.transferID, status: 'created', ...(transfer.foreignID ? { foreignID: transfer.foreignID } : {}) });

    if (transfer.outcome.kind === 'queued-then-clear') {
      // Held back (risk review, scheduling) before it reaches the rail.
      this.setStatus(transfer, 'queued');
      this.schedule(transfer, 'transfer.release', now + this.core.timing.achBusinessDayMs / 2);
    } else {
      this.release(transfer, now);
    }
    return transfer;
  }

  /** The transfer goes to the rail: pending, legs initiated, and its timeline planned from `now`. */
  private release(transfer: TransferRecord, now: number): void {
    this.setStatus(transfer, 'pending');
    for (const side of ['source', 'destination'] as const) {
      const leg = transfer[side];
      if (leg.ach) leg.ach.initiatedOn = this.core.iso(now);
      if (leg.card) leg.card.initiatedOn = this.core.iso(now);
      if (leg.rail !== 'wallet') this.legEvent(transfer, side, 'initiated');
    }
    this.plan(transfer, now);
    if (transfer.source.rail === 'wallet' && transfer.destination.rail === 'wallet') this.completeIfDone(transfer);
  }

  private bankOf(leg: LegRecord) {
    const method = this.state.paymentMethods[leg.paymentMethodID];
    return method?.source.kind === 'bank-account' ? this.state.bankAccounts[method.source.id] : undefined;
  }

  private plan(transfer: TransferRecord, t0: number): void {
    const { timing } = this.core;
    const day = timing.achBusinessDayMs;
    const outcome = transfer.outcome;
    if (transfer.source.rail === 'card') {
      this.schedule(transfer, 'card.authorize', t0 + timing.cardAuthorizeMs);
      this.schedule(transfer, 'card.settle', t0 + timing.cardAuthorizeMs + timing.cardSettleMs);
      return;
    }
    if (!this.achSide(transfer) || outcome.kind === 'ach-stuck') return;
    const originate = timing.achOriginateBusinessDays;
    const clearing = Math.max(timing.achClearingBusinessDays, originate);
    const midway = originate + (clearing - originate) / 2;
    this.schedule(transfer, 'ach.originate', t0 + originate * day);
    if (outcome.kind === 'ach-return-before-clearing') {
      this.schedule(transfer, 'ach.return', t0 + midway * day);
      return;
    }
    if (outcome.kind === 'ach-correction') this.schedule(transfer, 'ach.correct', t0 + midway * day);
    this.schedule(transfer, 'ach.complete', t0 + clearing * day);
    if (outcome.kind === 'ach-return-after-clearing') this.schedule(transfer, 'ach.return', t0 + (clearing + timing.achLateReturnBusinessDays) * day);
  }

  // ---- the clock ------------------------------------------------------------------------

  private schedule(transfer: TransferRecord, step: StepName, at: number, refundID?: string): void {
    const entry: ScheduledStep = { seq: this.state.nextSeq++, at, transferID: transfer.transferID, step, ...(refundID ? { refundID } : {}) };
    const queue = this.state.schedule;
    let low = 0;
    let high = queue.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = queue[mid]!;
      if (other.at < at || (other.at === at && other.seq < entry.seq)) low = mid + 1;
      else high = mid;
    }
    queue.splice(low, 0, entry);
    this.core.changed();
    this.arm();
  }

  start(): void {
    this.stopped = false;
    this.runDue();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Moves the emulator clock forward and runs everything that became due, in order. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new MoovHttpError(400, { error: 'advance must be a non-negative number of milliseconds' });
    this.state.clockOffsetMs += ms;
    this.core.changed();
    this.runDue();
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.state.schedule[0];
    if (!next) return;
    // Long waits are re-armed hourly: setTimeout cannot wait more than ~24 days, and the clock may be advanced meanwhile.
    const delay = Math.min(Math.max(0, next.at - this.core.now()), 60 * 60 * 1000);
    this.timer = setTimeout(() => this.runDue(), delay);
    this.timer.unref();
  }

  private runDue(): void {
    const queue = this.state.schedule;
    while (queue.length > 0 && queue[0]!.at <= this.core.now()) {
      const step = queue.shift()!;
      try {
        this.apply(step);
      } catch (error) {
        this.log(`step ${step.step} of transfer ${step.transferID} failed`, error);
      }
    }
    this.core.changed();
    this.arm();
  }

  private apply(step: ScheduledStep): void {
    const transfer = this.state.transfers[step.transferID];
    if (!transfer) return;
    const side = this.achSide(transfer);
    const ach = side ? transfer[side].ach : undefined;
    const card = transfer.source.card;
    switch (step.step) {
      case 'transfer.release':
        if (transfer.status === 'queued') this.release(transfer, step.at);
        break;
      case 'ach.originate':
        if (side && ach?.status === 'initiated' && transfer.status === 'pending') {
          if (transfer.outcome.kind === 'processing-error') this.fail(transfer, side, 'processing-error');
          else this.originate(transfer, side);
        }
        break;
      case 'ach.correct':
        if (side && ach?.status === 'originated') {
          const code = transfer.outcome.kind === 'ach-correction' ? transfer.outcome.code : 'C01';
          ach.status = 'corrected';
          ach.correctedOn = this.core.iso();
          ach.correction = { code, reason: NOC_REASONS[code] ?? code, description: `Notification of change ${code}` };
          this.legEvent(transfer, side, 'corrected');
        }
        break;
      case 'ach.complete':
        if (side && ach && (ach.status === 'originated' || ach.status === 'corrected') && transfer.status === 'pending') this.completeAch(transfer, side);
        break;
      case 'ach.return':
        if (side && ach && ['initiated', 'originated', 'corrected', 'completed'].includes(ach.status)) {
          const code = 'code' in transfer.outcome ? transfer.outcome.code : 'R01';
          this.returnAch(transfer, side, code);
        }
        break;
      case 'card.authorize':
        if (card?.status === 'initiated' && transfer.status === 'pending') {
          if (transfer.outcome.kind === 'card-decline') this.declineCard(transfer, transfer.outcome.failureCode, 'source-payment-error');
          else if (transfer.outcome.kind === 'processing-error') this.declineCard(transfer, 'processing-error', 'processing-error');
          else this.confirmCard(transfer);
        }
        break;
      case 'card.settle':
        if (card?.status === 'confirmed') this.settleCard(transfer);
        break;
      case 'refund.confirm': {
        const refund = transfer.refunds.find((r) => r.refundID === step.refundID);
        if (refund?.status === 'created') this.confirmRefund(transfer, refund);
        break;
      }
      case 'refund.complete': {
        const refund = transfer.refunds.find((r) => r.refundID === step.refundID);
        if (refund?.status === 'created' || refund?.status === 'pending') this.completeRefund(transfer, refund);
        break;
      }
    }
  }

  // ---- transitions ----------------------------------------------------------------------

  private achSide(transfer: TransferRecord): Side | undefined {
    return transfer.source.rail === 'ach' ? 'source' : transfer.destination.rail === 'ach' ? 'destination' : undefined;
  }

  private touch(transfer: TransferRecord): void {
    transfer.updatedOn = this.core.iso();
    this.core.changed();
    this.core.touched(transfer.transferID);
  }

  private transferEvent(transfer: TransferRecord, status: string): void {
    this.core.emit('transfer.updated', {
      accountID: transfer.partnerAccountID,
      transferID: transfer.transferID,
      status,
      source: { accountID: transfer.source.accountID, paymentMethodID: transfer.source.paymentMethodID },
      destination: { accountID: transfer.destination.accountID, paymentMethodID: transfer.destination.paymentMethodID },
      ...(transfer.foreignID ? { foreignID: transfer.foreignID } : {}),
    });
  }

  private setStatus(transfer: TransferRecord, status: TransferStatus, failureReason?: FailureReason): void {
    transfer.status = status;
    if (failureReason) transfer.failureReason = failureReason;
    if (status === 'completed') transfer.completedOn = this.core.iso();
    this.touch(transfer);
    this.transferEvent(transfer, status);
  }

  private legEvent(transfer: TransferRecord, side: Side, subStatus: string): void {
    this.touch(transfer);
    this.transferEvent(transfer, `${side}.${subStatus}`);
  }

  private originate(transfer: TransferRecord, side: Side): void {
    const ach = transfer[side].ach!;
    ach.status = 'originated';
    ach.originatedOn = this.core.iso();
    this.legEvent(transfer, side, 'originated');
  }

  private completeAch(transfer: TransferRecord, side: Side): void {
    const ach = transfer[side].ach!;
    ach.status = 'completed';
    ach.completedOn = this.core.iso();
    this.legEvent(transfer, side, 'completed');
    this.completeIfDone(transfer);
  }

  private completeIfDone(transfer: TransferRecord): void {
    const legs = [transfer.source, transfer.destination];
    const done = legs.every((leg) => leg.rail === 'wallet' || leg.ach?.status === 'completed' || leg.card?.status === 'completed');
    if (done && transfer.status === 'pending') this.setStatus(transfer, 'completed');
  }

  private returnAch(transfer: TransferRecord, side: Side, code: string): void {
    const ach = transfer[side].ach!;
    const wasCompleted = ach.status === 'completed';
    ach.status = 'returned';
    ach.returnedOn = this.core.iso();
    ach.return = { code, reason: returnReason(code), description: `${code}: ${returnReason(code)}` };
    this.legEvent(transfer, side, 'returned');
    if (wasCompleted || transfer.status === 'completed') this.setStatus(transfer, 'reversed');
    else this.setStatus(transfer, 'failed', side === 'source' ? 'source-payment-error' : 'destination-payment-error');
    const bank = this.bankOf(transfer[side]);
    if (bank) this.instruments.applyReturn(bank.bankAccountID, code);
  }

  private fail(transfer: TransferRecord, side: Side, reason: FailureReason): void {
    const leg = transfer[side];
    if (leg.ach) leg.ach.failedOn = this.core.iso();
    this.legEvent(transfer, side, 'failed');
    this.setStatus(transfer, 'failed', reason);
  }

  private confirmCard(transfer: TransferRecord): void {
    const card = transfer.source.card!;
    card.status = 'confirmed';
    card.confirmedOn = this.core.iso();
    card.authorizationCode = digits(6);
    this.legEvent(transfer, 'source', 'confirmed');
  }

  private declineCard(transfer: TransferRecord, failureCode: string, reason: FailureReason): void {
    const card = transfer.source.card!;
    card.status = 'failed';
    card.failedOn = this.core.iso();
    card.failureCode = failureCode;
    this.legEvent(transfer, 'source', 'failed');
    this.setStatus(transfer, 'failed', reason);
  }

  private settleCard(transfer: TransferRecord): void {
    const card = transfer.source.card!;
    card.status = 'settled';
    card.settledOn = this.core.iso();
    this.legEvent(transfer, 'source', 'settled');
    card.status = 'completed';
    card.completedOn = this.core.iso();
    this.legEvent(transfer, 'source', 'completed');
    this.completeIfDone(transfer);
  }

  // ---- cancellations, refunds, reversals ------------------------------------------------

  /** Stops a transfer that has not reached the network: ACH before origination, card before settlement. Too late → a `failed` cancellation. */
  cancel(accountID: string, transferID: string): CancellationRecord {
    const transfer = this.visible(accountID, transferID);
    const done = transfer.cancellations.find((c) => c.status === 'completed');
    if (done) return done;
    const cancellation: CancellationRecord = { cancellationID: randomUUID(), status: 'pending', createdOn: this.core.iso() };
    transfer.cancellations.push(cancellation);
    this.core.emit('cancellation.created', { cancellationID: cancellation.cancellationID, transferID, status: 'pending' });

    const side = this.achSide(transfer);
    const ach = side ? transfer[side].ach : undefined;
    const card = transfer.source.card;
    const cancelable =
      transfer.status === 'queued' || (transfer.status === 'pending' && ((ach && ach.status === 'initiated') || (card && (card.status === 'initiated' || card.status === 'confirmed'))));
    if (cancelable) {
      const now = this.core.iso();
      if (ach && side) {
        ach.status = 'canceled';
        ach.canceledOn = now;
        this.legEvent(transfer, side, 'canceled');
      }
      if (card) {
        card.status = 'canceled';
        card.canceledOn = now;
        this.legEvent(transfer, 'source', 'canceled');
      }
      cancellation.status = 'completed';
      this.setStatus(transfer, 'canceled');
    } else {
      cancellation.status = 'failed';
      this.touch(transfer);
    }
    this.core.emit('cancellation.updated', { cancellationID: cancellation.cancellationID, transferID, status: cancellation.status });
    return cancellation;
  }

  cancellation(accountID: string, transferID: string, cancellationID: string): CancellationRecord {
    const found = this.visible(accountID, transferID).cancellations.find((c) => c.cancellationID === cancellationID);
    if (!found) throw notFound('cancellation');
    return found;
  }

  /** Card refunds (Moov refunds only card transfers). Idempotent per X-Idempotency-Key like transfers. */
  refund(accountID: string, transferID: string, idempotencyKey: string | undefined, body: Record<string, unknown>): { refund: RefundRecord; replayed: boolean } {
    const transfer = this.visible(accountID, transferID);
    if (!idempotencyKey) throw new MoovHttpError(400, { error: 'X-Idempotency-Key header is required' });
    const keyID = `refund:${accountID}:${idempotencyKey}`;
    const requestHash = hashOf({ transferID, body });
    const seen = this.state.idempotency[keyID];
    if (seen) {
      if (seen.requestHash !== requestHash) throw new MoovHttpError(422, { error: `X-Idempotency-Key ${idempotencyKey} was already used for a different refund request` });
      return { refund: transfer.refunds.find((r) => r.refundID === seen.result?.refundID)!, replayed: true };
    }
    const refund = this.startRefund(transfer, body.amount);
    this.state.idempotency[keyID] = { requestHash, transferID, result: { refundID: refund.refundID } };
    return { refund, replayed: false };
  }

  private startRefund(transfer: TransferRecord, requested: unknown): RefundRecord {
    if (transfer.source.rail !== 'card') throw new MoovHttpError(422, { error: 'only card transfers can be refunded; cancel an ACH transfer before it is originated, or send an ACH credit back' });
    if (transfer.source.card?.status !== 'completed' || !['completed', 'reversed'].includes(transfer.status)) {
      throw new MoovHttpError(422, { error: `a card transfer can be refunded once it has settled (card status is ${transfer.source.card?.status}); use a cancellation or a reversal` });
    }
    // What a cardholder already took back through a dispute cannot be refunded a second time.
    const remaining = transfer.amount - refundedCents(transfer) - disputeHeldCents(transfer);
    const amount = requested === undefined ? remaining : requested;
    if (!Number.isInteger(amount) || (amount as number) <= 0) throw new MoovHttpError(422, { amount: 'must be a positive integer number of cents' });
    if ((amount as number) > remaining) throw new MoovHttpError(422, { amount: `exceeds the refundable amount (${remaining})` });
    const now = this.core.iso();
    const refund: RefundRecord = {
      refundID: randomUUID(),
      amount: amount as number,
      status: 'created',
      createdOn: now,
      updatedOn: now,
      card: { status: 'initiated', initiatedOn: now },
    };
    transfer.refunds.push(refund);
    this.touch(transfer);
    this.core.emit('refund.created', { accountID: transfer.partnerAccountID, transferID: transfer.transferID, refundID: refund.refundID });
    const confirmAt = this.core.now() + this.core.timing.cardAuthorizeMs;
    this.schedule(transfer, 'refund.confirm', confirmAt, refund.refundID);
    this.schedule(transfer, 'refund.complete', confirmAt + this.core.timing.refundSettleMs, refund.refundID);
    return refund;
  }

  private refundEvent(transfer: TransferRecord, refund: RefundRecord): void {
    refund.updatedOn = this.core.iso();
    this.touch(transfer);
    this.core.emit('refund.updated', { accountID: transfer.partnerAccountID, transferID: transfer.transferID, refundID: refund.refundID, status: refund.status });
  }

  /** The card network took the refund: Moov's `pending`. */
  private confirmRefund(transfer: TransferRecord, refund: RefundRecord): void {
    refund.status = 'pending';
    refund.card = { ...refund.card, status: 'confirmed', confirmedOn: this.core.iso() };
    this.refundEvent(transfer, refund);
  }

  private completeRefund(transfer: TransferRecord, refund: RefundRecord): void {
    if (refund.status === 'created') this.confirmRefund(transfer, refund);
    const now = this.core.iso();
    refund.status = 'completed';
    refund.card = { ...refund.card, status: 'completed', settledOn: now, completedOn: now };
    this.refundEvent(transfer, refund);
    const refunded = transfer.refunds.filter((r) => r.status === 'completed').reduce((sum, r) => sum + r.amount, 0);
    if (refunded >= transfer.amount && transfer.status === 'completed') this.setStatus(transfer, 'reversed');
  }

  private failRefund(transfer: TransferRecord, refund: RefundRecord, failureCode: string): void {
    refund.status = 'failed';
    refund.card = { ...refund.card, status: 'failed', failureCode, failedOn: this.core.iso() };
    this.refundEvent(transfer, refund);
  }

  refundOf(accountID: string, transferID: string, refundID: string): RefundRecord {
    const found = this.visible(accountID, transferID).refunds.find((r) => r.refundID === refundID);
    if (!found) throw notFound('refund');
    return found;
  }

  /** Moov's "cancel or refund": a cancellation while that is still possible, otherwise a card refund. */
  reverse(accountID: string, transferID: string, idempotencyKey: string | undefined, body: Record<string, unknown>): { cancellation?: CancellationRecord; refund?: RefundRecord } {
    const transfer = this.visible(accountID, transferID);
    if (!idempotencyKey) throw new MoovHttpError(400, { error: 'X-Idempotency-Key header is required' });
    const keyID = `reversal:${accountID}:${idempotencyKey}`;
    const requestHash = hashOf({ transferID, body });
    const seen = this.state.idempotency[keyID];
    if (seen) {
      if (seen.requestHash !== requestHash) throw new MoovHttpError(409, { error: `X-Idempotency-Key ${idempotencyKey} was already used for a different reversal request` });
      const cancellation = transfer.cancellations.find((c) => c.cancellationID === seen.result?.cancellationID);
      const refund = transfer.refunds.find((r) => r.refundID === seen.result?.refundID);
      return cancellation ? { cancellation } : { refund };
    }
    const amount = body.amount;
    if (amount !== undefined && (!Number.isInteger(amount) || (amount as number) <= 0)) throw new MoovHttpError(422, { amount: 'must be a positive integer number of cents' });
    const card = transfer.source.card;
    const ach = this.achSide(transfer) ? transfer[this.achSide(transfer)!].ach : undefined;
    let result: { cancellation?: CancellationRecord; refund?: RefundRecord };
    if (transfer.status === 'queued' || (transfer.status === 'pending' && ((card && (card.status === 'initiated' || card.status === 'confirmed')) || ach?.status === 'initiated'))) {
      result = { cancellation: this.cancel(accountID, transferID) };
    } else if (card) {
      result = { refund: this.startRefund(transfer, amount) };
    } else {
      throw new MoovHttpError(400, { error: 'this ACH transfer has already been originated and cannot be reversed; send an ACH credit back instead' });
    }
    this.state.idempotency[keyID] = { requestHash, transferID, result: { cancellationID: result.cancellation?.cancellationID, refundID: result.refund?.refundID } };
    this.core.changed();
    return result;
  }

  // ---- admin: things that happen at the bank, on demand ---------------------------------

  /** An ACH return arriving now: before clearing the transfer fails, after clearing it is reversed. */
  returnNow(transferID: string, code: string): TransferRecord {
    const transfer = this.transfer(transferID);
    if (!isReturnCode(code)) throw new MoovHttpError(400, { error: 'code must look like R01' });
    const side = this.achSide(transfer);
    const ach = side ? transfer[side].ach : undefined;
    if (!side || !ach) throw new MoovHttpError(409, { error: 'transfer has no ACH leg to return' });
    if (!['initiated', 'originated', 'corrected', 'completed'].includes(ach.status) || ['failed', 'canceled', 'reversed'].includes(transfer.status)) {
      throw new MoovHttpError(409, { error: `cannot return a transfer whose ACH status is ${ach.status} and status ${transfer.status}` });
    }
    if (ach.status === 'initiated') this.originate(transfer, side);
    this.returnAch(transfer, side, code);
    return transfer;
  }

  /** A failure now: a card decline (failureCode) or an ACH processing error. */
  failNow(transferID: string, failureCode = 'do-not-honor'): TransferRecord {
    const transfer = this.transfer(transferID);
    if (transfer.status !== 'pending') throw new MoovHttpError(409, { error: `cannot fail a transfer in status ${transfer.status}` });
    const card = transfer.source.card;
    if (card) {
      if (card.status !== 'initiated' && card.status !== 'confirmed') throw new MoovHttpError(409, { error: `cannot fail a card payment in status ${card.status}` });
      this.declineCard(transfer, failureCode, failureCode === 'processing-error' ? 'processing-error' : 'source-payment-error');
    } else {
      const side = this.achSide(transfer) ?? 'source';
      this.fail(transfer, side, 'processing-error');
    }
    return transfer;
  }

  /** Clears a pending transfer now (a planned late return still arrives on schedule). */
  completeNow(transferID: string): TransferRecord {
    const transfer = this.transfer(transferID);
    if (transfer.status === 'completed') return transfer;
    if (transfer.status === 'queued') this.release(transfer, this.core.now());
    if (transfer.status !== 'pending') throw new MoovHttpError(409, { error: `cannot complete a transfer in status ${transfer.status}` });
    const side = this.achSide(transfer);
    const ach = side ? transfer[side].ach : undefined;
    const card = transfer.source.card;
    if (side && ach) {
      if (ach.status === 'initiated') this.originate(transfer, side);
      this.completeAch(transfer, side);
    } else if (card) {
      if (card.status === 'initiated') this.confirmCard(transfer);
      this.settleCard(transfer);
    } else {
      this.completeIfDone(transfer);
    }
    return transfer;
  }

  /** A refund the card network has now completed (instead of waiting for the clock). */
  completeRefundNow(transferID: string, refundID: string): RefundRecord {
    const transfer = this.transfer(transferID);
    const refund = transfer.refunds.find((r) => r.refundID === refundID);
    if (!refund) throw notFound('refund');
    if (refund.status === 'completed') return refund;
    if (refund.status === 'failed') throw new MoovHttpError(409, { error: 'the refund has failed and cannot complete' });
    this.completeRefund(transfer, refund);
    return refund;
  }

  /** A refund the card network refused (closed card account, for instance): its amount can be refunded again. */
  failRefundNow(transferID: string, refundID: string, failureCode = 'processing-error'): RefundRecord {
    const transfer = this.transfer(transferID);
    const refund = transfer.refunds.find((r) => r.refundID === refundID);
    if (!refund) throw notFound('refund');
    if (refund.status === 'failed') return refund;
    if (refund.status === 'completed') throw new MoovHttpError(409, { error: 'the refund has completed and cannot fail' });
    this.failRefund(transfer, refund, failureCode);
    return refund;
  }
}

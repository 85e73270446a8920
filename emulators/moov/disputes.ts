import { randomUUID } from 'node:crypto';
import { MoovHttpError, notFound, type EmulatorCore } from './core';
import type { DisputePhase, DisputeRecord, DisputeStatus, TransferRecord } from './model';

/**
 * Card disputes on settled card transfers, as Moov reports them: one dispute object per
 * cardholder claim, moving through phases (pre-dispute, inquiry, chargeback) and statuses
 * (response-needed → under-review → won | lost, or accepted, closed, expired, resolved).
 * The bank side (a cardholder opening a claim, the network deciding) happens through admin
 * calls; the merchant side (accept, submit evidence) through Moov's API. Every change sends
 * dispute.created or dispute.updated with Moov's event data.
 */
export const FINAL_DISPUTE_STATUSES: ReadonlySet<DisputeStatus> = new Set(['won', 'lost', 'accepted', 'closed', 'expired', 'resolved']);
export const DISPUTE_PHASES: readonly DisputePhase[] = ['pre-dispute', 'inquiry', 'chargeback'];
export type DisputeOutcome = 'won' | 'lost' | 'accepted' | 'closed' | 'expired' | 'resolved';
export const DISPUTE_OUTCOMES: readonly DisputeOutcome[] = ['won', 'lost', 'accepted', 'closed', 'expired', 'resolved'];

/** The card-absent fraud reason of each network, the claim a card-not-present merchant meets most. */
const FRAUD_REASONS: Record<string, { code: string; description: string }> = {
  Visa: { code: '10.4', description: 'Other Fraud - Card-Absent Environment' },
  Mastercard: { code: '4837', description: 'No Cardholder Authorization' },
  'American Express': { code: 'F29', description: 'Card Not Present' },
  Discover: { code: 'UA02', description: 'Fraud - Card Not Present Transaction' },
};
const DEFAULT_REASON = { code: '10.4', description: 'Other Fraud - Card-Absent Environment' };

/** Money the cardholder has taken or may still take back: disputes not won and not closed without a chargeback. */
export function disputeHeldCents(transfer: TransferRecord): number {
  return (transfer.disputes ?? []).filter((d) => d.status !== 'won' && d.status !== 'closed').reduce((sum, d) => sum + d.amount, 0);
}

export function refundedCents(transfer: TransferRecord): number {
  return transfer.refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0);
}

export interface OpenDisputeInput {
  amountCents?: number;
  phase?: DisputePhase;
  respondBy?: string;
  networkReasonCode?: string;
  networkReasonDescription?: string;
}

export interface DisputeListFilter {
  transferIDs?: string[];
  disputeIDs?: string[];
  status?: string;
  merchantAccountID?: string;
  cardholderAccountID?: string;
  startDateTime?: string;
  endDateTime?: string;
  respondStartDateTime?: string;
  respondEndDateTime?: string;
  skip: number;
  count: number;
}

export interface DisputeOnTransfer {
  transfer: TransferRecord;
  dispute: DisputeRecord;
}

const MAX_RESPOND_BY_DAYS = 120;

export class DisputeBook {
  constructor(private readonly core: EmulatorCore) {}

  private get state() {
    return this.core.state;
  }

  // ---- reading (Moov's API) -------------------------------------------------------------

  /** Disputes an account may see: the partner's, the merchant's (destination) and the cardholder's (source). */
  list(accountID: string, filter: DisputeListFilter): DisputeOnTransfer[] {
    if (!this.state.accounts[accountID]) throw notFound('account');
    const time = (value: string | undefined, name: string) => {
      if (value === undefined) return undefined;
      const parsed = Date.parse(value);
      if (Number.isNaN(parsed)) throw new MoovHttpError(400, { error: `${name} must be an RFC 3339 date-time` });
      return parsed;
    };
    const start = time(filter.startDateTime, 'startDateTime');
    const end = time(filter.endDateTime, 'endDateTime');
    const respondStart = time(filter.respondStartDateTime, 'respondStartDateTime');
    const respondEnd = time(filter.respondEndDateTime, 'respondEndDateTime');
    return Object.values(this.state.transfers)
      .filter((transfer) => transfer.disputes?.length && this.sees(accountID, transfer))
      .filter((transfer) => !filter.transferIDs?.length || filter.transferIDs.includes(transfer.transferID))
      .filter((transfer) => !filter.merchantAccountID || transfer.destination.accountID === filter.merchantAccountID)
      .filter((transfer) => !filter.cardholderAccountID || transfer.source.accountID === filter.cardholderAccountID)
      .flatMap((transfer) => (transfer.disputes ?? []).map((dispute) => ({ transfer, dispute })))
      .filter(({ dispute }) => !filter.disputeIDs?.length || filter.disputeIDs.includes(dispute.disputeID))
      .filter(({ dispute }) => !filter.status || dispute.status === filter.status)
      .filter(({ dispute }) => start === undefined || Date.parse(dispute.createdOn) >= start)
      .filter(({ dispute }) => end === undefined || Date.parse(dispute.createdOn) <= end)
      .filter(({ dispute }) => respondStart === undefined || Date.parse(this.respondByOf(dispute)) >= respondStart)
      .filter(({ dispute }) => respondEnd === undefined || Date.parse(this.respondByOf(dispute)) <= respondEnd)
      .sort((a, b) => b.dispute.createdOn.localeCompare(a.dispute.createdOn) || b.dispute.disputeID.localeCompare(a.dispute.disputeID))
      .slice(filter.skip, filter.skip + filter.count);
  }

  visible(accountID: string, disputeID: string): DisputeOnTransfer {
    const found = this.find(disputeID);
    if (!found || !this.sees(accountID, found.transfer)) throw notFound('dispute');
    return found;
  }

  /** Moov's default answer window when none was set (records from before respondBy was kept). */
  respondByOf(dispute: DisputeRecord): string {
    return dispute.respondBy ?? this.core.iso(Date.parse(dispute.createdOn) + this.core.timing.disputeResponseBusinessDays * 24 * 60 * 60 * 1000);
  }

  // ---- the merchant's answers (Moov's API) ------------------------------------------------

  /** The merchant accepts liability: the disputed amount stays with the cardholder. */
  accept(accountID: string, disputeID: string): DisputeOnTransfer {
    const found = this.visible(accountID, disputeID);
    if (found.dispute.status !== 'response-needed') throw new MoovHttpError(409, { error: `a dispute in status ${found.dispute.status} cannot be accepted` });
    this.change(found, { status: 'accepted' });
    return found;
  }

  /** The merchant's evidence goes to the network: the dispute is under review until decided. */
  submitEvidence(accountID: string, disputeID: string): DisputeOnTransfer {
    const found = this.visible(accountID, disputeID);
    if (found.dispute.status !== 'response-needed') throw new MoovHttpError(409, { error: `evidence cannot be submitted for a dispute in status ${found.dispute.status}` });
    this.change(found, { status: 'under-review', submittedOn: this.core.iso() });
    return found;
  }

  // ---- the card network's side (admin) --------------------------------------------------

  /** A cardholder disputes a settled card payment, for part of it or all that is not already refunded or disputed. */
  open(transfer: TransferRecord, input: OpenDisputeInput): DisputeOnTransfer {
    if (transfer.source.rail !== 'card' || transfer.source.card?.status !== 'completed') {
      throw new MoovHttpError(409, { error: 'only a settled card payment can be disputed' });
    }
    const room = transfer.amount - refundedCents(transfer) - disputeHeldCents(transfer);
    const amount = input.amountCents ?? room;
    if (!Number.isInteger(amount) || amount <= 0 || amount > room) {
      throw new MoovHttpError(400, { error: `dispute amount must be a positive integer number of cents, at most ${room} (the amount neither refunded nor disputed)` });
    }
    const phase = input.phase ?? 'chargeback';
    if (!DISPUTE_PHASES.includes(phase)) throw new MoovHttpError(400, { error: `phase must be one of ${DISPUTE_PHASES.join(', ')}` });
    const brand = this.state.paymentMethods[transfer.source.paymentMethodID];
    const card = brand?.source.kind === 'card' ? this.state.cards[brand.source.id] : undefined;
    const reason = FRAUD_REASONS[card?.brand ?? ''] ?? DEFAULT_REASON;
    const now = this.core.iso();
    const dispute: DisputeRecord = {
      disputeID: randomUUID(),
      createdOn: now,
      updatedOn: now,
      amount,
      status: 'response-needed',
      phase,
      respondBy: this.respondBy(input.respondBy),
      networkReasonCode: input.networkReasonCode ?? reason.code,
      networkReasonDescription: input.networkReasonDescription ?? (input.networkReasonCode ? undefined : reason.description),
    };
    transfer.disputes = [...(transfer.disputes ?? []), dispute];
    this.touch(transfer);
    this.core.emit('dispute.created', this.eventData(transfer, dispute));
    return { transfer, dispute };
  }

  /** The network has the merchant's evidence (as if submitted outside the API). */
  review(transferID: string, disputeID: string): DisputeOnTransfer {
    const found = this.onTransfer(transferID, disputeID);
    if (found.dispute.status !== 'response-needed') throw new MoovHttpError(409, { error: `a dispute in status ${found.dispute.status} cannot go under review` });
    this.change(found, { status: 'under-review', submittedOn: this.core.iso() });
    return found;
  }

  /** An inquiry or pre-dispute becomes a chargeback: the funds are withdrawn and a new answer is due. */
  escalate(transferID: string, disputeID: string, respondBy?: string): DisputeOnTransfer {
    const found = this.onTransfer(transferID, disputeID);
    if (found.dispute.phase === 'chargeback') throw new MoovHttpError(409, { error: 'the dispute is already a chargeback' });
    if (FINAL_DISPUTE_STATUSES.has(found.dispute.status)) throw new MoovHttpError(409, { error: `a dispute in status ${found.dispute.status} cannot be escalated` });
    this.change(found, { phase: 'chargeback', status: 'response-needed', respondBy: this.respondBy(respondBy), submittedOn: undefined });
    return found;
  }

  /** The network's decision. Repeating the same outcome changes nothing; a different one on a decided dispute is refused. */
  resolve(transferID: string, disputeID: string, outcome: DisputeOutcome): DisputeOnTransfer {
    if (!DISPUTE_OUTCOMES.includes(outcome)) throw new MoovHttpError(400, { error: `outcome must be one of ${DISPUTE_OUTCOMES.join(', ')}` });
    const found = this.onTransfer(transferID, disputeID);
    if (found.dispute.status === outcome) return found;
    if (FINAL_DISPUTE_STATUSES.has(found.dispute.status)) throw new MoovHttpError(409, { error: `the dispute was already decided: ${found.dispute.status}` });
    this.change(found, { status: outcome });
    return found;
  }

  /** The network reverses its decision on appeal: only a lost dispute can be won afterwards. */
  overturn(transferID: string, disputeID: string): DisputeOnTransfer {
    const found = this.onTransfer(transferID, disputeID);
    if (found.dispute.status === 'won') return found;
    if (found.dispute.status !== 'lost') throw new MoovHttpError(409, { error: `only a lost dispute can be overturned; this one is ${found.dispute.status}` });
    this.change(found, { status: 'won' });
    return found;
  }

  // ---- internals ------------------------------------------------------------------------

  private sees(accountID: string, transfer: TransferRecord): boolean {
    return [transfer.partnerAccountID, transfer.source.accountID, transfer.destination.accountID].includes(accountID);
  }

  private find(disputeID: string): DisputeOnTransfer | undefined {
    for (const transfer of Object.values(this.state.transfers)) {
      const dispute = transfer.disputes?.find((d) => d.disputeID === disputeID);
      if (dispute) return { transfer, dispute };
    }
    return undefined;
  }

  private onTransfer(transferID: string, disputeID: string): DisputeOnTransfer {
    const transfer = this.state.transfers[transferID];
    if (!transfer) throw notFound('transfer');
    const dispute = transfer.disputes?.find((d) => d.disputeID === disputeID);
    if (!dispute) throw notFound('dispute');
    return { transfer, dispute };
  }

  private respondBy(requested: string | undefined): string {
    if (requested === undefined) return this.core.iso(this.core.now() + this.core.timing.disputeResponseBusinessDays * 24 * 60 * 60 * 1000);
    const at = Date.parse(requested);
    if (Number.isNaN(at)) throw new MoovHttpError(400, { error: 'respondBy must be an RFC 3339 date-time' });
    if (at > this.core.now() + MAX_RESPOND_BY_DAYS * 24 * 60 * 60 * 1000) throw new MoovHttpError(400, { error: `respondBy must be within ${MAX_RESPOND_BY_DAYS} days` });
    return new Date(at).toISOString();
  }

  private change({ transfer, dispute }: DisputeOnTransfer, changes: Partial<DisputeRecord>): void {
    Object.assign(dispute, changes, { updatedOn: this.core.iso() });
    if (changes.submittedOn === undefined && 'submittedOn' in changes) delete dispute.submittedOn;
    this.touch(transfer);
    this.core.emit('dispute.updated', this.eventData(transfer, dispute));
  }

  private touch(transfer: TransferRecord): void {
    transfer.updatedOn = this.core.iso();
    this.core.changed();
    this.core.touched(transfer.transferID);
  }

  /** Moov's dispute event data; the account is the merchant's, whose dispute it is. */
  private eventData(transfer: TransferRecord, dispute: DisputeRecord) {
    return {
      accountID: transfer.destination.accountID,
      transferID: transfer.transferID,
      transactionID: transfer.transferID,
      disputeID: dispute.disputeID,
      status: dispute.status,
      phase: dispute.phase,
    };
  }
}

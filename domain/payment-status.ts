/**
 * The payment status machine: which event may move a payment from which status, and what an
 * operator may do right now. The payment workflow's update validators, the API and the
 * console all ask this module, so a button the UI shows is an action the workflow accepts.
 *
 *   from \ event | completed¹ | failed¹  | ach_returned¹ | freeze      | release  | terminate   | dispute  | resolve (upheld / refunded)
 *   -------------+------------+----------+---------------+-------------+----------+-------------+----------+----------------------------
 *   pending      | settled    | failed   | ✗             | frozen      | ✗        | terminated  | ✗        | ✗
 *   frozen       | (frozen)²  | failed³  | returned⁴     | ✗ already   | back⁵    | terminated  | ✗        | ✗
 *   settled      | (settled)  | ✗ stale  | returned      | frozen⁶     | ✗        | terminated⁶ | disputed | ✗
 *   disputed     | (disputed) | ✗ stale  | returned      | ✗           | ✗        | ✗ resolve   | ✗ already| settled / terminated
 *
 * After settlement, money can still move (the processor's dispute decisions, an operator's refund):
 *
 *   from \ event | dispute_opened¹ | chargeback_won¹ | chargeback_lost_full¹ | refund_full
 *   -------------+-----------------+-----------------+-----------------------+-------------
 *   pending      | ✗ stale         | ✗ stale         | ✗ stale               | ✗
 *   frozen       | disputed⁴       | (frozen)⁴       | charged_back⁴         | ✗
 *   settled      | disputed        | (settled)       | charged_back⁷         | refunded⁸
 *   disputed     | (disputed)      | settled         | charged_back          | ✗
 *   charged_back | (charged_back)  | ✗ final         | (charged_back)        | ✗ final
 *   refunded     | ✗ final         | ✗ final         | ✗ final               | ✗ already
 *
 *   terminated, failed, returned, refunded, charged_back: final — nothing moves them (a repeat
 *   of the processor event that ended a failed, returned or charged-back payment is
 *   acknowledged unchanged, as is a dispute's opening arriving after its loss).
 *
 *   ¹ processor events (Moov): processor_completed, processor_failed, ach_returned,
 *     dispute_opened, chargeback_won, chargeback_lost_full.
 *   ² funds cleared while held: acknowledged, the payment stays frozen until released.
 *   ³ only if the funds had not cleared.     ⁴ only if the funds had cleared.
 *   ⁵ to settled if it was settled when frozen, else back to pending (settled once cleared).
 *   ⁶ only while not yet posted to the GL: freezing pulls it out of its unposted settlement;
 *     once posted, a refund (refund_full, or dispute → resolve refunded) posts a reversal.
 *   ⁷ the loss arrived before (or without) the dispute's opening: the money is gone all the same.
 *   ⁸ posted or not: the refund books its own reversal. Only a full refund moves the status;
 *     a partial one (or a partial chargeback) leaves the payment settled with reversed cents.
 *   (x) = acknowledged, unchanged (a duplicate or out-of-order processor event).
 *
 * nextStatus never throws for a legal-but-pointless event; it returns a refusal with a code
 * and one sentence an operator can read. Pure; workflow-safe.
 */
export const PAYMENT_STATUSES = ['pending', 'settled', 'frozen', 'terminated', 'failed', 'returned', 'disputed', 'refunded', 'charged_back'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = ['terminated', 'failed', 'returned', 'refunded', 'charged_back'];

export const PROCESSOR_EVENTS = ['processor_completed', 'processor_failed', 'ach_returned', 'dispute_opened', 'chargeback_won', 'chargeback_lost_full'] as const;
export const OPERATOR_EVENTS = ['freeze', 'release', 'terminate', 'dispute', 'resolve_dispute_upheld', 'resolve_dispute_refunded', 'refund_full'] as const;
export type ProcessorEvent = (typeof PROCESSOR_EVENTS)[number];
export type OperatorEvent = (typeof OPERATOR_EVENTS)[number];
export type PaymentEvent = ProcessorEvent | OperatorEvent;

/** What the status alone does not say, but some transitions depend on. */
export interface PaymentFacts {
  /** The payment's settlement lines are posted to the GL. */
  posted?: boolean;
  /** The processor reported the funds cleared (implied for settled and disputed). */
  cleared?: boolean;
  /** The payment was settled when it was frozen (so release returns it to settled). */
  settledBeforeFreeze?: boolean;
}

export type RefusalCode = 'final' | 'not_allowed' | 'already' | 'posted' | 'stale_event';

export type TransitionResult =
  | { ok: true; from: PaymentStatus; to: PaymentStatus; changed: boolean; note?: string }
  | { ok: false; from: PaymentStatus; code: RefusalCode; message: string };

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
  pending: 'Pending',
  settled: 'Settled',
  frozen: 'Frozen',
  terminated: 'Terminated',
  failed: 'Failed',
  returned: 'Returned',
  disputed: 'Disputed',
  refunded: 'Refunded',
  charged_back: 'Charged back',
};

export type OperatorAction = 'freeze' | 'release' | 'terminate' | 'dispute' | 'resolve';

export const OPERATOR_ACTION_LABELS: Record<OperatorAction, string> = {
  freeze: 'Freeze',
  release: 'Release',
  terminate: 'Terminate',
  dispute: 'Mark disputed',
  resolve: 'Resolve dispute',
};

export function isFinalStatus(status: PaymentStatus): boolean {
  return FINAL_PAYMENT_STATUSES.includes(status);
}

/** The status `event` moves a payment in `current` to, or why it may not. */
export function nextStatus(current: PaymentStatus, event: PaymentEvent, facts: PaymentFacts = {}): TransitionResult {
  const move = (to: PaymentStatus, note?: string): TransitionResult => ({ ok: true, from: current, to, changed: to !== current, ...(note ? { note } : {}) });
  const refuse = (code: RefusalCode, message: string): TransitionResult => ({ ok: false, from: current, code, message });
  const cleared = facts.cleared === true || current === 'settled' || current === 'disputed';
  const named = PAYMENT_STATUS_LABELS[current].toLowerCase();

  if (isFinalStatus(current)) {
    if ((current === 'failed' && event === 'processor_failed') || (current === 'returned' && event === 'ach_returned') || (current === 'charged_back' && event === 'chargeback_lost_full')) {
      return move(current, 'A repeat of the processor event that already ended this payment.');
    }
    if (current === 'charged_back' && event === 'dispute_opened') return move(current, 'The dispute was already decided against the dealer.');
    if (current === 'terminated' && event === 'terminate') return refuse('already', 'This payment is already terminated.');
    if (current === 'refunded' && event === 'refund_full') return refuse('already', 'This payment is already refunded in full.');
    return refuse('final', `A ${named} payment ${CANNOT[event]}.`);
  }

  switch (event) {
    case 'processor_completed':
      if (current === 'pending') return move('settled');
      if (current === 'frozen') return move('frozen', 'The funds cleared; the payment stays frozen until it is released.');
      return move(current, 'The processor confirmed again what is already known.');

    case 'processor_failed':
      if (current === 'pending') return move('failed');
      if (current === 'frozen' && !cleared) return move('failed');
      return refuse('stale_event', `The processor reported a failure for a payment whose funds had already cleared; a ${named} payment can only be returned.`);

    case 'ach_returned':
      if (cleared) return move('returned');
      return refuse('stale_event', `A payment can be returned only after its funds cleared; this one is ${named}.`);

    case 'freeze':
      if (current === 'pending') return move('frozen');
      if (current === 'settled') {
        if (facts.posted) return refuse('posted', 'This payment is already posted to the general ledger, so it can no longer be frozen; mark it disputed to refund it.');
        return move('frozen', 'Frozen payments leave their unposted settlement until released.');
      }
      if (current === 'frozen') return refuse('already', 'This payment is already frozen.');
      return refuse('not_allowed', 'A disputed payment is already under review; resolve the dispute instead of freezing it.');

    case 'release':
      if (current === 'frozen') return move(facts.settledBeforeFreeze ? 'settled' : 'pending');
      return refuse('not_allowed', `Only a frozen payment can be released; this one is ${named}.`);

    case 'terminate':
      if (current === 'pending' || current === 'frozen') return move('terminated');
      if (current === 'settled') {
        if (facts.posted) return refuse('posted', 'This payment is already posted to the general ledger; mark it disputed and resolve it as refunded, so the reversal is posted too.');
        return move('terminated');
      }
      return refuse('not_allowed', 'A disputed payment is ended by resolving the dispute: upheld keeps it, refunded terminates it.');

    case 'dispute':
      if (current === 'settled') return move('disputed');
      if (current === 'disputed') return refuse('already', 'This payment is already disputed.');
      return refuse('not_allowed', `Only a settled payment can be disputed; this one is ${named}.`);

    case 'resolve_dispute_upheld':
    case 'resolve_dispute_refunded':
      if (current === 'disputed') return move(event === 'resolve_dispute_upheld' ? 'settled' : 'terminated');
      return refuse('not_allowed', `Only a disputed payment can be resolved; this one is ${named}.`);

    case 'dispute_opened':
      if (!cleared) return refuse('stale_event', `A payment can be disputed only after its funds cleared; this one is ${named}.`);
      if (current === 'disputed') return move(current, 'A dispute is already open on this payment.');
      return move('disputed', current === 'frozen' ? 'The dispute decides this payment now; it leaves its review hold.' : undefined);

    case 'chargeback_won':
      if (!cleared) return refuse('stale_event', `A dispute can be decided only on a payment whose funds cleared; this one is ${named}.`);
      if (current === 'disputed') return move('settled');
      return move(current, 'The dispute was won; nothing about this payment changes.');

    case 'chargeback_lost_full':
      if (!cleared) return refuse('stale_event', `A dispute can be decided only on a payment whose funds cleared; this one is ${named}.`);
      return move('charged_back');

    case 'refund_full':
      if (current === 'settled') return move('refunded');
      if (current === 'disputed') return refuse('not_allowed', 'A disputed payment cannot be refunded while its dispute is open: the dispute decides whether the money goes back.');
      if (current === 'frozen') return refuse('not_allowed', 'A frozen payment cannot be refunded; release it first, or terminate it.');
      return refuse('not_allowed', `Only a settled payment can be refunded; this one is ${named}.`);
  }
}

/** Whether an operator may refund this payment now (in full or by item); partial refunds leave it settled. */
export function canRefund(status: PaymentStatus): boolean {
  return nextStatus(status, 'refund_full').ok;
}

/** The operator actions legal now, in display order; the console shows exactly these. */
export function operatorActions(status: PaymentStatus, facts: { posted: boolean }): OperatorAction[] {
  const legal = (event: OperatorEvent) => nextStatus(status, event, { posted: facts.posted }).ok;
  const actions: OperatorAction[] = [];
  if (legal('freeze')) actions.push('freeze');
  if (legal('release')) actions.push('release');
  if (legal('dispute')) actions.push('dispute');
  if (legal('resolve_dispute_upheld')) actions.push('resolve');
  if (legal('terminate')) actions.push('terminate');
  return actions;
}

const CANNOT: Record<PaymentEvent, string> = {
  processor_completed: 'cannot settle',
  processor_failed: 'cannot fail',
  ach_returned: 'cannot be returned',
  freeze: 'cannot be frozen',
  release: 'cannot be released',
  terminate: 'cannot be terminated',
  dispute: 'cannot be disputed',
  resolve_dispute_upheld: 'cannot have a dispute resolved',
  resolve_dispute_refunded: 'cannot have a dispute resolved',
  dispute_opened: 'cannot be disputed',
  chargeback_won: 'cannot have a dispute decided',
  chargeback_lost_full: 'cannot be charged back',
  refund_full: 'cannot be refunded',
};

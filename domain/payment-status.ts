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
 *   terminated, failed, returned: final — nothing moves them (a repeat of the processor event
 *   that ended a failed or returned payment is acknowledged unchanged).
 *
 *   ¹ processor events (Moov): processor_completed, processor_failed, ach_returned.
 *   ² funds cleared while held: acknowledged, the payment stays frozen until released.
 *   ³ only if the funds had not cleared.     ⁴ only if the funds had cleared.
 *   ⁵ to settled if it was settled when frozen, else back to pending (settled once cleared).
 *   ⁶ only while not yet posted to the GL: freezing pulls it out of its unposted settlement;
 *     once posted, a refund goes through dispute → resolve (refunded) so a reversal is posted.
 *   (x) = acknowledged, unchanged (a duplicate or out-of-order processor event).
 *
 * nextStatus never throws for a legal-but-pointless event; it returns a refusal with a code
 * and one sentence an operator can read. Pure; workflow-safe.
 */
export const PAYMENT_STATUSES = ['pending', 'settled', 'frozen', 'terminated', 'failed', 'returned', 'disputed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = ['terminated', 'failed', 'returned'];

export const PROCESSOR_EVENTS = ['processor_completed', 'processor_failed', 'ach_returned'] as const;
export const OPERATOR_EVENTS = ['freeze', 'release', 'terminate', 'dispute', 'resolve_dispute_upheld', 'resolve_dispute_refunded'] as const;
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

  if (isFinalStatus(current)) {
    if ((current === 'failed' && event === 'processor_failed') || (current === 'returned' && event === 'ach_returned')) {
      return move(current, 'A repeat of the processor event that already ended this payment.');
    }
    if (current === 'terminated' && event === 'terminate') return refuse('already', 'This payment is already terminated.');
    return refuse('final', `A ${current} payment ${CANNOT[event]}.`);
  }

  switch (event) {
    case 'processor_completed':
      if (current === 'pending') return move('settled');
      if (current === 'frozen') return move('frozen', 'The funds cleared; the payment stays frozen until it is released.');
      return move(current, 'The processor confirmed again what is already known.');

    case 'processor_failed':
      if (current === 'pending') return move('failed');
      if (current === 'frozen' && !cleared) return move('failed');
      return refuse('stale_event', `The processor reported a failure for a payment whose funds had already cleared; a ${current} payment can only be returned.`);

    case 'ach_returned':
      if (cleared) return move('returned');
      return refuse('stale_event', `A payment can be returned only after its funds cleared; this one is ${current}.`);

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
      return refuse('not_allowed', `Only a frozen payment can be released; this one is ${current}.`);

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
      return refuse('not_allowed', `Only a settled payment can be disputed; this one is ${current}.`);

    case 'resolve_dispute_upheld':
    case 'resolve_dispute_refunded':
      if (current === 'disputed') return move(event === 'resolve_dispute_upheld' ? 'settled' : 'terminated');
      return refuse('not_allowed', `Only a disputed payment can be resolved; this one is ${current}.`);
  }
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
};

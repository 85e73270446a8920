import fc from 'fast-check';
import {
  FINAL_PAYMENT_STATUSES,
  OPERATOR_ACTION_LABELS,
  OPERATOR_EVENTS,
  PAYMENT_STATUSES,
  PAYMENT_STATUS_LABELS,
  PROCESSOR_EVENTS,
  canRefund,
  isFinalStatus,
  nextStatus,
  operatorActions,
  type PaymentEvent,
  type PaymentFacts,
  type PaymentStatus,
} from './payment-status';
import { paymentStatusSchema } from './payment-status-schema';

const EVENTS: PaymentEvent[] = [...PROCESSOR_EVENTS, ...OPERATOR_EVENTS];

/**
 * The whole table, written out independently of the implementation: for each status and
 * event, the target (a status), '=' for acknowledged-unchanged, or the refusal code. Where
 * facts matter the entry is a function of them.
 */
type Outcome = PaymentStatus | '=' | `✗${string}`;
const TABLE: Record<PaymentStatus, Record<PaymentEvent, Outcome | ((f: Required<PaymentFacts>) => Outcome)>> = {
  pending: {
    processor_completed: 'settled', processor_failed: 'failed', ach_returned: (f) => (f.cleared ? 'returned' : '✗stale_event'),
    freeze: 'frozen', release: '✗not_allowed', terminate: 'terminated', dispute: '✗not_allowed',
    resolve_dispute_upheld: '✗not_allowed', resolve_dispute_refunded: '✗not_allowed',
    dispute_opened: (f) => (f.cleared ? 'disputed' : '✗stale_event'), chargeback_won: (f) => (f.cleared ? '=' : '✗stale_event'),
    chargeback_lost_full: (f) => (f.cleared ? 'charged_back' : '✗stale_event'), refund_full: '✗not_allowed',
  },
  frozen: {
    processor_completed: '=', processor_failed: (f) => (f.cleared ? '✗stale_event' : 'failed'), ach_returned: (f) => (f.cleared ? 'returned' : '✗stale_event'),
    freeze: '✗already', release: (f) => (f.settledBeforeFreeze ? 'settled' : 'pending'), terminate: 'terminated', dispute: '✗not_allowed',
    resolve_dispute_upheld: '✗not_allowed', resolve_dispute_refunded: '✗not_allowed',
    dispute_opened: (f) => (f.cleared ? 'disputed' : '✗stale_event'), chargeback_won: (f) => (f.cleared ? '=' : '✗stale_event'),
    chargeback_lost_full: (f) => (f.cleared ? 'charged_back' : '✗stale_event'), refund_full: '✗not_allowed',
  },
  settled: {
    processor_completed: '=', processor_failed: '✗stale_event', ach_returned: 'returned',
    freeze: (f) => (f.posted ? '✗posted' : 'frozen'), release: '✗not_allowed', terminate: (f) => (f.posted ? '✗posted' : 'terminated'), dispute: 'disputed',
    resolve_dispute_upheld: '✗not_allowed', resolve_dispute_refunded: '✗not_allowed',
    dispute_opened: 'disputed', chargeback_won: '=', chargeback_lost_full: 'charged_back', refund_full: 'refunded',
  },
  disputed: {
    processor_completed: '=', processor_failed: '✗stale_event', ach_returned: 'returned',
    freeze: '✗not_allowed', release: '✗not_allowed', terminate: '✗not_allowed', dispute: '✗already',
    resolve_dispute_upheld: 'settled', resolve_dispute_refunded: 'terminated',
    dispute_opened: '=', chargeback_won: 'settled', chargeback_lost_full: 'charged_back', refund_full: '✗not_allowed',
  },
  terminated: {
    processor_completed: '✗final', processor_failed: '✗final', ach_returned: '✗final',
    freeze: '✗final', release: '✗final', terminate: '✗already', dispute: '✗final',
    resolve_dispute_upheld: '✗final', resolve_dispute_refunded: '✗final',
    dispute_opened: '✗final', chargeback_won: '✗final', chargeback_lost_full: '✗final', refund_full: '✗final',
  },
  failed: {
    processor_completed: '✗final', processor_failed: '=', ach_returned: '✗final',
    freeze: '✗final', release: '✗final', terminate: '✗final', dispute: '✗final',
    resolve_dispute_upheld: '✗final', resolve_dispute_refunded: '✗final',
    dispute_opened: '✗final', chargeback_won: '✗final', chargeback_lost_full: '✗final', refund_full: '✗final',
  },
  returned: {
    processor_completed: '✗final', processor_failed: '✗final', ach_returned: '=',
    freeze: '✗final', release: '✗final', terminate: '✗final', dispute: '✗final',
    resolve_dispute_upheld: '✗final', resolve_dispute_refunded: '✗final',
    dispute_opened: '✗final', chargeback_won: '✗final', chargeback_lost_full: '✗final', refund_full: '✗final',
  },
  refunded: {
    processor_completed: '✗final', processor_failed: '✗final', ach_returned: '✗final',
    freeze: '✗final', release: '✗final', terminate: '✗final', dispute: '✗final',
    resolve_dispute_upheld: '✗final', resolve_dispute_refunded: '✗final',
    dispute_opened: '✗final', chargeback_won: '✗final', chargeback_lost_full: '✗final', refund_full: '✗already',
  },
  charged_back: {
    processor_completed: '✗final', processor_failed: '✗final', ach_returned: '✗final',
    freeze: '✗final', release: '✗final', terminate: '✗final', dispute: '✗final',
    resolve_dispute_upheld: '✗final', resolve_dispute_refunded: '✗final',
    dispute_opened: '=', chargeback_won: '✗final', chargeback_lost_full: '=', refund_full: '✗final',
  },
};

const ALL_FACTS: Required<PaymentFacts>[] = [];
for (const posted of [false, true]) for (const cleared of [false, true]) for (const settledBeforeFreeze of [false, true]) ALL_FACTS.push({ posted, cleared, settledBeforeFreeze });

describe('nextStatus', () => {
  const cases = PAYMENT_STATUSES.flatMap((status) => EVENTS.flatMap((event) => ALL_FACTS.map((facts) => [status, event, facts] as const)));

  it.each(cases)('%s + %s with %o follows the table', (status, event, facts) => {
    const entry = TABLE[status][event];
    // Settled and disputed payments have cleared by definition.
    const effective = { ...facts, cleared: facts.cleared || status === 'settled' || status === 'disputed' };
    const expected = typeof entry === 'function' ? entry(effective) : entry;
    const result = nextStatus(status, event, facts);
    if (expected.startsWith('✗')) {
      expect(result).toMatchObject({ ok: false, from: status, code: expected.slice(1) });
      if (!result.ok) expect(result.message).toMatch(/^[A-Z].*\.$/);
    } else if (expected === '=') {
      expect(result).toMatchObject({ ok: true, from: status, to: status, changed: false });
    } else {
      expect(result).toMatchObject({ ok: true, from: status, to: expected, changed: expected !== status });
    }
  });

  it('says plainly why an operator action is refused', () => {
    const message = (status: PaymentStatus, event: PaymentEvent, facts?: PaymentFacts) => {
      const result = nextStatus(status, event, facts);
      return result.ok ? null : result.message;
    };
    expect(message('terminated', 'freeze')).toBe('A terminated payment cannot be frozen.');
    expect(message('failed', 'release')).toBe('A failed payment cannot be released.');
    expect(message('returned', 'dispute')).toBe('A returned payment cannot be disputed.');
    expect(message('terminated', 'processor_completed')).toBe('A terminated payment cannot settle.');
    expect(message('terminated', 'terminate')).toBe('This payment is already terminated.');
    expect(message('settled', 'freeze', { posted: true })).toMatch(/already posted to the general ledger, so it can no longer be frozen/);
    expect(message('settled', 'terminate', { posted: true })).toMatch(/mark it disputed and resolve it as refunded/);
    expect(message('pending', 'release')).toBe('Only a frozen payment can be released; this one is pending.');
    expect(message('pending', 'dispute')).toBe('Only a settled payment can be disputed; this one is pending.');
    expect(message('settled', 'resolve_dispute_upheld')).toBe('Only a disputed payment can be resolved; this one is settled.');
    expect(message('frozen', 'freeze')).toBe('This payment is already frozen.');
  });

  it('follows money after settlement: disputes, chargebacks and refunds', () => {
    const message = (status: PaymentStatus, event: PaymentEvent) => {
      const result = nextStatus(status, event);
      return result.ok ? result.note ?? null : result.message;
    };
    expect(nextStatus('settled', 'refund_full', { posted: true })).toMatchObject({ ok: true, to: 'refunded', changed: true });
    expect(nextStatus('settled', 'dispute_opened', { posted: true })).toMatchObject({ ok: true, to: 'disputed', changed: true });
    expect(nextStatus('disputed', 'chargeback_won')).toMatchObject({ ok: true, to: 'settled', changed: true });
    expect(nextStatus('disputed', 'chargeback_lost_full')).toMatchObject({ ok: true, to: 'charged_back', changed: true });
    expect(message('disputed', 'refund_full')).toMatch(/^A disputed payment cannot be refunded while its dispute is open/);
    expect(message('refunded', 'refund_full')).toBe('This payment is already refunded in full.');
    expect(message('charged_back', 'refund_full')).toBe('A charged back payment cannot be refunded.');
    expect(message('pending', 'refund_full')).toBe('Only a settled payment can be refunded; this one is pending.');
    expect(message('pending', 'dispute_opened')).toBe('A payment can be disputed only after its funds cleared; this one is pending.');
    expect(message('charged_back', 'dispute_opened')).toBe('The dispute was already decided against the dealer.');
    expect(message('charged_back', 'chargeback_lost_full')).toBe('A repeat of the processor event that already ended this payment.');
    expect(message('frozen', 'dispute_opened')).toBe('A payment can be disputed only after its funds cleared; this one is frozen.');
    expect(nextStatus('frozen', 'dispute_opened', { cleared: true })).toMatchObject({ ok: true, to: 'disputed', note: expect.stringMatching(/leaves its review hold/) });
    expect(PAYMENT_STATUSES.filter(canRefund)).toEqual(['settled']);
  });

  it('freezes a settled payment that is not yet posted, and notes it leaves its settlement', () => {
    expect(nextStatus('settled', 'freeze', { posted: false })).toEqual({
      ok: true, from: 'settled', to: 'frozen', changed: true, note: 'Frozen payments leave their unposted settlement until released.',
    });
  });

  it('releases a payment back to where it was held', () => {
    expect(nextStatus('frozen', 'release', { settledBeforeFreeze: true })).toMatchObject({ ok: true, to: 'settled' });
    expect(nextStatus('frozen', 'release', { settledBeforeFreeze: false, cleared: true })).toMatchObject({ ok: true, to: 'pending' });
    expect(nextStatus('frozen', 'release')).toMatchObject({ ok: true, to: 'pending' });
  });

  it('keeps a frozen payment frozen when its funds clear', () => {
    expect(nextStatus('frozen', 'processor_completed')).toMatchObject({ ok: true, to: 'frozen', changed: false, note: expect.stringMatching(/stays frozen/) });
  });

  it('treats defaults as not posted, not cleared', () => {
    expect(nextStatus('settled', 'freeze')).toMatchObject({ ok: true, to: 'frozen' });
    expect(nextStatus('frozen', 'ach_returned')).toMatchObject({ ok: false, code: 'stale_event' });
  });

  it('never leaves a final status, whatever happens (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAYMENT_STATUSES),
        fc.array(fc.record({ event: fc.constantFrom(...EVENTS), posted: fc.boolean(), cleared: fc.boolean(), settledBeforeFreeze: fc.boolean() }), { maxLength: 20 }),
        (start, steps) => {
          let status = start;
          let reachedFinal = isFinalStatus(status);
          for (const { event, ...facts } of steps) {
            const result = nextStatus(status, event, facts);
            if (result.from !== status) return false;
            if (result.ok) {
              if (reachedFinal && result.to !== status) return false;
              if (result.changed !== (result.to !== status)) return false;
              status = result.to;
            } else if (!result.message) {
              return false;
            }
            reachedFinal ||= isFinalStatus(status);
          }
          return true;
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe('operatorActions', () => {
  it.each<[PaymentStatus, boolean, string[]]>([
    ['pending', false, ['freeze', 'terminate']],
    ['pending', true, ['freeze', 'terminate']],
    ['settled', false, ['freeze', 'dispute', 'terminate']],
    ['settled', true, ['dispute']],
    ['frozen', false, ['release', 'terminate']],
    ['disputed', false, ['resolve']],
    ['disputed', true, ['resolve']],
    ['terminated', false, []],
    ['failed', false, []],
    ['returned', true, []],
    ['refunded', true, []],
    ['charged_back', true, []],
  ])('a %s payment (posted: %s) offers %j', (status, posted, actions) => {
    expect(operatorActions(status, { posted })).toEqual(actions);
  });

  it('offers only actions the machine accepts, and every action it accepts', () => {
    const eventsOf = { freeze: ['freeze'], release: ['release'], terminate: ['terminate'], dispute: ['dispute'], resolve: ['resolve_dispute_upheld', 'resolve_dispute_refunded'] } as const;
    for (const status of PAYMENT_STATUSES) {
      for (const posted of [false, true]) {
        const offered = operatorActions(status, { posted });
        for (const [action, events] of Object.entries(eventsOf)) {
          const accepted = events.every((event) => nextStatus(status, event, { posted }).ok);
          expect(offered.includes(action as keyof typeof eventsOf)).toBe(accepted);
        }
      }
    }
    expect(Object.keys(OPERATOR_ACTION_LABELS).sort()).toEqual(Object.keys(eventsOf).sort());
  });
});

it('lists statuses and final statuses consistently', () => {
  expect(FINAL_PAYMENT_STATUSES.every((status) => PAYMENT_STATUSES.includes(status))).toBe(true);
  expect(PAYMENT_STATUSES.filter(isFinalStatus)).toEqual(['terminated', 'failed', 'returned', 'refunded', 'charged_back']);
  expect(PAYMENT_STATUSES.map((status) => PAYMENT_STATUS_LABELS[status])).toEqual(['Pending', 'Settled', 'Frozen', 'Terminated', 'Failed', 'Returned', 'Disputed', 'Refunded', 'Charged back']);
  expect(paymentStatusSchema.safeParse('charged_back').success).toBe(true);
  expect(paymentStatusSchema.safeParse('frozen').success).toBe(true);
  expect(paymentStatusSchema.safeParse('cancelled').success).toBe(false);
});

import { creditAfterPayment, type AccountCredit } from './credit-hold';

const overLimit: AccountCredit = { onHold: true, reason: 'over_limit', limitCents: 100_000, availableCents: -50_000 };

describe('creditAfterPayment', () => {
  it('lifts an over-limit hold once the payment brings the account within its limit', () => {
    expect(creditAfterPayment(overLimit, 60_000, 0)).toEqual({ outcome: 'released', availableAfterCents: 10_000 });
    expect(creditAfterPayment(overLimit, 50_000, 0)).toEqual({ outcome: 'released', availableAfterCents: 0 });
  });

  it('keeps an over-limit hold when the account is still over', () => {
    expect(creditAfterPayment(overLimit, 30_000, 0)).toEqual({ outcome: 'still_over_limit', availableAfterCents: -20_000 });
  });

  it('keeps an over-limit hold when the ERP never reported available credit', () => {
    expect(creditAfterPayment({ ...overLimit, availableCents: null }, 30_000, 0).outcome).toBe('still_over_limit');
  });

  it('lifts a past-due hold once nothing past due is left, unless that leaves the account over its limit', () => {
    const pastDue: AccountCredit = { onHold: true, reason: 'past_due', limitCents: 100_000, availableCents: 20_000 };
    expect(creditAfterPayment(pastDue, 5_000, 0).outcome).toBe('released');
    expect(creditAfterPayment(pastDue, 5_000, 1).outcome).toBe('still_past_due');
    expect(creditAfterPayment({ ...pastDue, availableCents: -10_000 }, 5_000, 0).outcome).toBe('still_over_limit');
    expect(creditAfterPayment({ ...pastDue, limitCents: null, availableCents: null }, 5_000, 0).outcome).toBe('released');
  });

  it('never lifts a hold placed for another reason, and moves the credit of an account not on hold', () => {
    expect(creditAfterPayment({ ...overLimit, reason: 'other' }, 500_000, 0).outcome).toBe('not_releasable');
    expect(creditAfterPayment({ ...overLimit, onHold: false }, 10_000, 0)).toEqual({ outcome: 'not_on_hold', availableAfterCents: -40_000 });
  });
});

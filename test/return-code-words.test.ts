import { moneyStory } from '../portal/src/pages/PaymentDetail';
import type { PaymentDetail } from '../portal/src/types';

/**
 * A payment that came back shows the customer why in plain words from the ACH return
 * catalogue, and what to do next; the bank's code stays visible for a call to the bank.
 */
function payment(status: PaymentDetail['status'], moneyOutcome: PaymentDetail['moneyOutcome'], failureReason: string | null, method: 'ach' | 'card' = 'ach'): PaymentDetail {
  return {
    id: 'pay-1', number: 'P-000123', status, statusLabel: 'Returned by the bank', method, methodLabel: 'Prairie State Bank ····0001',
    itemsCents: 140_00, creditsCents: 0, discountCents: 0, feeCents: 0, amountCents: 140_00,
    submittedAt: '2026-11-30T15:00:00.000Z', settledAt: '2026-12-02T15:00:00.000Z', dealerId: 'dealer-1', dealerName: 'Northwind Lumber', dealerTimeZone: 'America/Chicago',
    customerAccountId: 'account-1', accountName: 'Oak Street Builders', erpAccountId: 'C-100', companyName: 'Oak Street Builders LLC',
    moneyOutcome, failureReason, lines: [], events: [],
  };
}

describe('portal payment story', () => {
  it('explains an ACH return in the customer words of its code', () => {
    const story = moneyStory(payment('returned', 'returned', 'R01'))!;
    expect(story.title).toBe('Returned by your bank');
    expect(story.text).toContain('Your bank did not have enough funds available in the account to pay this debit. Please make sure the funds are available');
    expect(story.text).toMatch(/\(Return code R01\.\)$/);
    expect(moneyStory(payment('returned', 'returned', 'R10'))!.text).toContain('Your bank told us this debit was not authorized on the account');
  });

  it('stays polite about a code it does not know, or no code at all', () => {
    expect(moneyStory(payment('returned', 'returned', 'R99'))!.text).toContain('Your bank sent this payment back. Please pay the items again');
    expect(moneyStory(payment('returned', 'returned', null))!.text).not.toContain('Return code');
  });

  it('tells a refund by the dealer and a chargeback apart from a cancellation', () => {
    expect(moneyStory(payment('refunded', 'refunded', null, 'card'))!.text).toMatch(/^Northwind Lumber refunded this payment to/);
    expect(moneyStory(payment('terminated', 'refunded', null, 'card'))!.text).toMatch(/^This payment was cancelled after \$140\.00 had been charged/);
    expect(moneyStory(payment('charged_back', 'charged_back', null, 'card'))).toMatchObject({ title: '$140.00 reversed by your card issuer' });
  });
});

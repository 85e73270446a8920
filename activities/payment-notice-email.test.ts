import { paymentNoticeEmail, type PaymentNoticeFacts } from './payment-notice-email';

const facts = (returnCode: string | null): PaymentNoticeFacts => ({
  number: 'P-1001', method: 'ach', methodLabel: 'Prairie State Bank ····0001', amountCents: 125_00, feeCents: 0,
  dealerName: 'Harbor Equipment', accountName: 'Acme Farms', erpAccountId: 'C-42',
  lines: [{ label: 'Invoice INV-7', amountCents: 125_00 }], failureReason: null, returnCode, termination: 'not_sent',
});

describe('the returned-payment email', () => {
  it('names the return code in the customer words of the ACH return catalogue', () => {
    expect(paymentNoticeEmail('returned', facts('R10')).text).toContain('(return code R10: the account holder says the debit was not authorized)');
    expect(paymentNoticeEmail('returned', facts('R01')).text).toContain('(return code R01: insufficient funds)');
    // An unlisted code is named without a guess at its meaning.
    expect(paymentNoticeEmail('returned', facts('R99')).text).toContain('(return code R99).');
  });

  it('asks for another account exactly when the catalogue disables the saved one', () => {
    expect(paymentNoticeEmail('returned', facts('R07')).text).toContain('This bank account can no longer be used for payments.');
    expect(paymentNoticeEmail('returned', facts('R01')).text).not.toContain('can no longer be used');
    expect(paymentNoticeEmail('returned', facts(null)).text).not.toContain('can no longer be used');
  });
});

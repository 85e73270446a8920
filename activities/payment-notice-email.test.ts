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

describe('the returned payment fee in the customer email', () => {
  const fee = { amountCents: 25_00, adjustmentNumber: 'DM-RPF-P-1001' };

  it('is named, with its amount and document number, when the return charged one', () => {
    const email = paymentNoticeEmail('returned', { ...facts('R01'), returnedPaymentFee: fee });
    expect(email.text).toContain('Harbor Equipment has added a returned payment fee of $25.00 to your account (DM-RPF-P-1001).');
    expect(email.html).toContain('returned payment fee of $25.00');
    // A debit returned before it cleared is told as a payment that did not go through; the fee is named there too.
    expect(paymentNoticeEmail('failed', { ...facts('R01'), returnedPaymentFee: fee }).text).toContain('returned payment fee of $25.00');
  });

  it('is not mentioned when none was charged', () => {
    expect(paymentNoticeEmail('returned', facts('R01')).text).not.toMatch(/returned payment fee/i);
    expect(paymentNoticeEmail('returned', { ...facts('R01'), returnedPaymentFee: null }).text).not.toMatch(/returned payment fee/i);
  });
});

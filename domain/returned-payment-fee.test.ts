import { returnedPaymentFee } from './returned-payment-fee';

describe('returnedPaymentFee', () => {
  const base = { method: 'ach' as const, returnCode: 'R01', feeCents: 25_00, paymentNumber: 'P-100431' };

  it('charges the dealer’s fee for an ACH return, NSF included, as a named debit memo', () => {
    expect(returnedPaymentFee(base)).toEqual({
      amountCents: 25_00,
      adjustmentNumber: 'DM-RPF-P-100431',
      description: 'Returned payment fee — payment P-100431, R01 Insufficient Funds',
    });
  });

  it('charges every return code alike (administrative, unauthorized, unlisted)', () => {
    for (const returnCode of ['R09', 'R02', 'R10', 'R29', 'r16 ']) expect(returnedPaymentFee({ ...base, returnCode })?.amountCents).toBe(25_00);
    expect(returnedPaymentFee({ ...base, returnCode: 'R99' })?.description).toBe('Returned payment fee — payment P-100431, R99 returned by the bank');
  });

  it('charges nothing when the fee is off, for a card, or without a return code', () => {
    expect(returnedPaymentFee({ ...base, feeCents: 0 })).toBeNull();
    expect(returnedPaymentFee({ ...base, method: 'card' })).toBeNull();
    expect(returnedPaymentFee({ ...base, returnCode: null })).toBeNull();
    expect(returnedPaymentFee({ ...base, returnCode: '  ' })).toBeNull();
  });
});

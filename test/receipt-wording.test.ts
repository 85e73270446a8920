import { receiptEmail, renderReceiptPdf } from '../api/portal/receipt';
import type { MoneyOutcome, PaymentDetail } from '../api/portal/payment-view';
import { pdfText } from './support/pdf-text';

/**
 * The receipt's total line, in the PDF and in the email, says what became of the money: a
 * payment cancelled before its money moved charged nothing, a refunded one was charged and
 * given back. Only a payment still moving or paid reads "Total charged".
 */
function payment(status: PaymentDetail['status'], moneyOutcome: MoneyOutcome | null): PaymentDetail {
  return {
    id: 'pay-1', number: 'P-000123', status, statusLabel: status === 'terminated' ? 'Cancelled' : 'Paid', method: 'card', methodLabel: 'Visa credit ····4242',
    itemsCents: 140_00, creditsCents: 0, discountCents: 0, feeCents: 4_13, amountCents: 144_13,
    submittedAt: '2026-11-30T15:00:00.000Z', settledAt: null, dealerId: 'dealer-1', dealerName: 'Northwind Lumber', dealerTimeZone: 'America/Chicago',
    customerAccountId: 'account-1', accountName: 'Oak Street Builders', erpAccountId: 'C-100', companyName: 'Oak Street Builders LLC',
    moneyOutcome, failureReason: null,
    lines: [{ type: 'invoice', number: 'INV-9', amountCents: 140_00, appliedToInvoiceNumber: null, invoiceId: null }],
    events: [],
  };
}

async function totalLines(detail: PaymentDetail) {
  const text = pdfText(await renderReceiptPdf(detail));
  const email = receiptEmail(detail, 'ap@oakstreet.test', Buffer.from(''));
  return { pdf: text, emailText: email.text, emailHtml: email.html };
}

describe('receipt total line', () => {
  it('a paid payment reads "Total charged"', async () => {
    const { pdf, emailText, emailHtml } = await totalLines(payment('settled', null));
    expect(pdf[pdf.indexOf('Total charged') + 1]).toBe('$144.13');
    expect(emailText).toContain('Total charged: $144.13');
    expect(emailHtml).toContain('<strong>Total charged</strong>');
  });

  it('a payment cancelled before its money moved says nothing was charged', async () => {
    const { pdf, emailText, emailHtml } = await totalLines(payment('terminated', 'not_charged'));
    expect(pdf[pdf.indexOf('Cancelled, nothing charged') + 1]).toBe('$144.13');
    expect(emailText).toContain('Cancelled, nothing charged: $144.13');
    expect(emailHtml).toContain('<strong>Cancelled, nothing charged</strong>');
    for (const shown of [pdf.join('\n'), emailText, emailHtml]) expect(shown).not.toContain('Total charged');
  });

  it('a refunded payment says it was charged, then refunded', async () => {
    const { pdf, emailText, emailHtml } = await totalLines(payment('terminated', 'refunded'));
    expect(pdf[pdf.indexOf('Charged, then refunded') + 1]).toBe('$144.13');
    expect(emailText).toContain('Charged, then refunded: $144.13');
    expect(emailHtml).toContain('<strong>Charged, then refunded</strong>');
    for (const shown of [pdf.join('\n'), emailText, emailHtml]) expect(shown).not.toContain('Total charged');
  });

  it('a failed or returned payment does not claim a charge either', async () => {
    expect((await totalLines(payment('failed', 'failed'))).emailText).toContain('Failed, nothing charged: $144.13');
    expect((await totalLines(payment('returned', 'returned'))).emailText).toContain('Debited, then returned by the bank: $144.13');
    expect((await totalLines(payment('charged_back', 'charged_back'))).emailText).toContain('Charged, then reversed by the card issuer: $144.13');
  });
});

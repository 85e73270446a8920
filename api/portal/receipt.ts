import { renderLetterPdf } from '../letter-pdf';
import { formatCents } from '../../domain/money';
import { discountSumLabel, isDeductionLine } from '../../domain/application-lines';
import { escapeHtml, type OutgoingEmail } from '../../integrations/mailer';
import type { MoneyOutcome, PaymentDetail, PaymentLine } from './payment-view';

/**
 * The payment receipt, as a PDF and as an email carrying it. Every figure comes from the
 * payment row and its applications; nothing is recomputed here.
 */

const LINE_LABEL: Record<PaymentLine['type'], string> = {
  invoice: 'Invoice',
  debit: 'Debit adjustment',
  credit: 'Credit applied',
  discount: 'Statement discount',
  terms_discount: 'Early-payment discount',
  unapplied: 'Paid on account (credit)',
};

/** Credits and discounts reduce what was charged; the receipt shows them as negatives. */
export const signedLineCents = (line: PaymentLine) => (isDeductionLine(line.type) ? -line.amountCents : line.amountCents);

export function receiptLines(payment: PaymentDetail): Array<{ label: string; amount: string }> {
  return payment.lines.map((line) => ({
    label: `${LINE_LABEL[line.type]} ${line.number}${line.appliedToInvoiceNumber ? ` (to invoice ${line.appliedToInvoiceNumber})` : ''}`,
    amount: formatCents(signedLineCents(line)),
  }));
}

/** The sums under the lines; together with the total they are the payment row's own figures. */
export function receiptSums(payment: PaymentDetail): Array<{ label: string; amount: string }> {
  const rows: Array<{ label: string; amount: string }> = [{ label: 'Items', amount: formatCents(payment.itemsCents) }];
  if (payment.creditsCents) rows.push({ label: 'Credits', amount: formatCents(-payment.creditsCents) });
  if (payment.discountCents) rows.push({ label: discountSumLabel(payment.lines.map((line) => line.type)), amount: formatCents(-payment.discountCents) });
  rows.push({ label: 'Processing fee', amount: formatCents(payment.feeCents) });
  return rows;
}

/** Only money that moved and stayed was charged; for a payment that ended otherwise the total says what became of it. */
const TOTAL_LABEL: Record<MoneyOutcome, string> = {
  not_charged: 'Cancelled, nothing charged', refunded: 'Charged, then refunded', failed: 'Failed, nothing charged', returned: 'Debited, then returned by the bank',
  charged_back: 'Charged, then reversed by the card issuer',
};
export const totalLabel = (payment: PaymentDetail) => (payment.moneyOutcome ? TOTAL_LABEL[payment.moneyOutcome] : 'Total charged');

export const submittedLocal = (payment: PaymentDetail) =>
  new Date(payment.submittedAt).toLocaleString('en-US', { timeZone: payment.dealerTimeZone, month: 'long', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });

export const whatHappensNext = (payment: PaymentDetail) =>
  payment.status !== 'pending'
    ? `Status: ${payment.statusLabel}.`
    : payment.method === 'ach'
      ? 'Bank transfers (ACH) take 1 to 3 business days to clear; the payment shows as Processing until then.'
      : 'Card payments are authorised at once and usually settle the same business day.';

export function renderReceiptPdf(payment: PaymentDetail): Promise<Buffer> {
  return renderLetterPdf({ title: `Receipt for payment ${payment.number}`, author: payment.dealerName }, (doc, { left }) => {
    const right = doc.page.width - doc.page.margins.right;
    const amountWidth = 120;
    const row = (label: string, amount: string, bold = false) => {
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(11);
      doc.text(label, left, y, { width: right - left - amountWidth - 10 });
      const afterLabel = doc.y;
      doc.text(amount, right - amountWidth, y, { width: amountWidth, align: 'right' });
      doc.y = Math.max(afterLabel, doc.y) + 3;
    };

    doc.font('Helvetica-Bold').fontSize(20).text(payment.dealerName, left);
    doc.font('Helvetica').fontSize(12).fillColor('#52606d').text('Payment receipt').fillColor('#000000').moveDown(1);
    for (const [label, value] of [
      ['Payment', payment.number],
      ['Submitted', submittedLocal(payment)],
      ['Status', payment.statusLabel],
      ['Paid by', `${payment.companyName}, account ${payment.accountName} (${payment.erpAccountId})`],
      ['Method', payment.methodLabel],
    ] as const) {
      doc.font('Helvetica-Bold').fontSize(11).text(`${label}: `, left, doc.y, { continued: true }).font('Helvetica').text(value);
    }
    doc.moveDown(1);
    doc.moveTo(left, doc.y).lineTo(right, doc.y).strokeColor('#cbd2d9').stroke();
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(9).fillColor('#52606d').text('WHAT THIS PAYMENT PAID', left).fillColor('#000000');
    doc.moveDown(0.3);
    for (const line of receiptLines(payment)) row(line.label, line.amount);
    doc.moveDown(0.3);
    doc.moveTo(left, doc.y).lineTo(right, doc.y).strokeColor('#cbd2d9').stroke();
    doc.moveDown(0.5);
    for (const line of receiptSums(payment)) row(line.label, line.amount);
    doc.moveTo(left, doc.y).lineTo(right, doc.y).strokeColor('#cbd2d9').stroke();
    doc.moveDown(0.5);
    row(totalLabel(payment), formatCents(payment.amountCents), true);
    doc.moveDown(1);
    doc.font('Helvetica').fontSize(10).fillColor('#52606d').text(whatHappensNext(payment), left, doc.y, { width: right - left });
  });
}

export function receiptEmail(payment: PaymentDetail, to: string, pdf: Buffer): OutgoingEmail {
  const rows = [...receiptLines(payment), ...receiptSums(payment)];
  const text = [
    `Receipt for your payment ${payment.number} to ${payment.dealerName}.`,
    '',
    `Submitted: ${submittedLocal(payment)}`,
    `Status: ${payment.statusLabel}`,
    `Method: ${payment.methodLabel}`,
    '',
    ...rows.map((r) => `${r.label}: ${r.amount}`),
    `${totalLabel(payment)}: ${formatCents(payment.amountCents)}`,
    '',
    whatHappensNext(payment),
    '',
    'The receipt is attached as a PDF.',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1f2933;max-width:560px">
<h2 style="margin:0">${escapeHtml(payment.dealerName)}</h2><p style="color:#52606d;margin-top:4px">Receipt for payment ${escapeHtml(payment.number)}</p>
<p>Submitted ${escapeHtml(submittedLocal(payment))} · ${escapeHtml(payment.statusLabel)} · ${escapeHtml(payment.methodLabel)}</p>
<table style="width:100%;border-collapse:collapse">${rows.map((r) => `<tr><td style="padding:3px 0">${escapeHtml(r.label)}</td><td style="text-align:right">${escapeHtml(r.amount)}</td></tr>`).join('')}
<tr><td style="padding-top:8px;border-top:1px solid #cbd2d9"><strong>${escapeHtml(totalLabel(payment))}</strong></td><td style="text-align:right;padding-top:8px;border-top:1px solid #cbd2d9"><strong>${escapeHtml(formatCents(payment.amountCents))}</strong></td></tr></table>
<p style="color:#52606d">${escapeHtml(whatHappensNext(payment))}</p></body></html>`;
  return {
    to,
    subject: `Receipt for payment ${payment.number} to ${payment.dealerName}`,
    text,
    html,
    attachments: [{ filename: `receipt-${payment.number}.pdf`, content: pdf, contentType: 'application/pdf' }],
  };
}

import { achReturn } from '../domain/ach-returns';
import { formatCents } from '../domain/money';
import { returnedPaymentFeeSentence } from '../domain/returned-payment-fee';
import { escapeHtml } from '../integrations/mailer';
import type { PaymentNoticeEvent } from '../workflows/payment-definitions';

/**
 * The emails a customer gets about one payment, in plain words: what was paid, how much, from
 * which account or card, and what happens next. Pure: the activity loads the facts.
 */
export interface PaymentNoticeFacts {
  number: string;
  method: 'ach' | 'card';
  /** "Prairie State Bank ····0001", "Visa ····1111". */
  methodLabel: string;
  amountCents: number;
  feeCents: number;
  dealerName: string;
  accountName: string;
  erpAccountId: string;
  /** What the payment paid, as the customer's documents name them. */
  lines: Array<{ label: string; amountCents: number }>;
  failureReason: string | null;
  returnCode: string | null;
  /** Whether the processor cancelled the transfer before money moved, refunded it, or it never reached the processor. */
  termination: 'cancelled' | 'refunded' | 'not_sent';
  /** What took money back after the payment had cleared (a chargeback, a refund, a return), when known. */
  reversal?: { kind: 'ach_return' | 'chargeback' | 'refund'; amountCents: number; networkReason: string | null } | null;
  /** The items this event made open again, with what of each is owed again. */
  reopened?: Array<{ label: string; amountCents: number }>;
  /** The dealer's returned payment fee this return added to the account, when one was charged. */
  returnedPaymentFee?: { amountCents: number; adjustmentNumber: string } | null;
  /** Opens the portal's Pay page with the reopened items chosen. */
  payLink?: string | null;
}

export interface PaymentNotice {
  subject: string;
  text: string;
  html: string;
}

export function paymentNoticeEmail(event: PaymentNoticeEvent, facts: PaymentNoticeFacts): PaymentNotice {
  const amount = formatCents(facts.amountCents);
  const rail = facts.method === 'ach' ? 'bank account' : 'card';
  const { subject, opening, next } = ((): { subject: string; opening: string; next: string[] } => {
    switch (event) {
      case 'submitted':
        return {
          subject: `Payment ${facts.number} received: ${amount} to ${facts.dealerName}`,
          opening: `We have received your payment of ${amount} to ${facts.dealerName}.`,
          next: [
            facts.method === 'ach'
              ? 'Bank payments (ACH) take 1 to 3 business days to clear. The items above show as being paid until then.'
              : 'Card payments usually clear within one business day. The items above show as being paid until then.',
            'We will email you again when the payment has cleared, or if anything goes wrong.',
          ],
        };
      case 'settled':
        return {
          subject: `Payment ${facts.number} has cleared: ${amount} paid to ${facts.dealerName}`,
          opening: `Your payment of ${amount} to ${facts.dealerName} has cleared and is applied to the items below.`,
          next: ['There is nothing more to do. A receipt is available in the Payments portal under Payment history.'],
        };
      case 'failed':
        return {
          subject: `Payment ${facts.number} did not go through`,
          opening: `Your payment of ${amount} to ${facts.dealerName} did not go through${facts.failureReason ? ` (${facts.failureReason})` : ''}. No money was taken from your ${rail}.`,
          next: [
            'These items are open again. Please pay them in the Payments portal, with another payment method if this one keeps failing.',
          ],
        };
      case 'returned':
        return {
          subject: `Payment ${facts.number} was returned by your bank`,
          opening: `Your bank returned your payment of ${amount} to ${facts.dealerName}${facts.returnCode ? ` (return code ${facts.returnCode}${achReturn(facts.returnCode).customerReason ? `: ${achReturn(facts.returnCode).customerReason}` : ''})` : ''}. The money has gone back to your account, so the items below are unpaid again.`,
          next: [
            facts.returnCode && achReturn(facts.returnCode).disablesBankAccount
              ? 'This bank account can no longer be used for payments. Please link another account or use a card in the Payments portal, and pay the items again.'
              : 'Please pay the items again in the Payments portal, or contact ' + facts.dealerName + ' if you think this is a mistake.',
          ],
        };
      case 'terminated':
        return {
          subject: `Payment ${facts.number} was cancelled`,
          opening:
            facts.termination === 'refunded'
              ? `${facts.dealerName} cancelled your payment of ${amount} and refunded it to your ${rail}. Refunds usually appear within 5 to 10 business days.`
              : `${facts.dealerName} cancelled your payment of ${amount} before any money moved. Nothing was taken from your ${rail}.`,
          next: [`These items are open again. Contact ${facts.dealerName} if you are not sure why, or pay them again in the Payments portal.`],
        };
      case 'refunded':
        return {
          subject: `Payment ${facts.number} has been refunded`,
          opening: `${facts.dealerName} refunded your payment of ${amount} to your ${rail}. Refunds usually appear within 5 to 10 business days.`,
          next: [`These items are open again. Contact ${facts.dealerName} with any questions about what you owe.`],
        };
      case 'charged_back':
        return {
          subject: `Payment ${facts.number} was taken back by your card issuer`,
          opening: `Your card issuer took back your payment of ${amount} to ${facts.dealerName} after the charge was disputed (a chargeback)${disputeWords(facts)}. The money is back on your card, so the items below are unpaid again.`,
          next: [`Please pay the items again in the Payments portal, or contact ${facts.dealerName} if you think this is a mistake.`],
        };
      case 'reversed_partly': {
        const part = formatCents(facts.reversal?.amountCents ?? 0);
        return facts.reversal?.kind === 'chargeback'
          ? {
            subject: `Part of payment ${facts.number} was taken back by your card issuer`,
            opening: `Your card issuer took back ${part} of your payment of ${amount} to ${facts.dealerName} after the charge was disputed (a chargeback)${disputeWords(facts)}. That money is back on your card, so what it paid is owed again.`,
            next: [`The rest of the payment stands. Please pay what is open again in the Payments portal, or contact ${facts.dealerName} if you think this is a mistake.`],
          }
          : {
            subject: `Part of payment ${facts.number} has been refunded`,
            opening: `${facts.dealerName} refunded ${part} of your payment of ${amount} to your ${rail}. Refunds usually appear within 5 to 10 business days.`,
            next: [`The rest of the payment stands. Contact ${facts.dealerName} with any questions about what you owe.`],
          };
      }
    }
  })();

  if ((event === 'returned' || event === 'failed') && facts.returnedPaymentFee) next.push(returnedPaymentFeeSentence(facts.returnedPaymentFee, facts.dealerName));

  const details = [
    `Payment: ${facts.number}`,
    `Amount: ${amount}${facts.feeCents > 0 ? ` (includes a ${formatCents(facts.feeCents)} processing fee)` : ''}`,
    `From: ${facts.methodLabel}`,
    `Account: ${facts.accountName} (${facts.erpAccountId}) with ${facts.dealerName}`,
  ];
  const lines = facts.lines.map((line) => `  ${line.label}: ${formatCents(line.amountCents)}`);
  const heading = event === 'submitted' ? 'What it pays:' : event === 'settled' ? 'What it paid:' : 'What it was for:';
  // Only a partial reversal needs its own list: otherwise everything the payment paid is open again.
  const reopened = event === 'reversed_partly' && facts.reopened?.length ? facts.reopened : [];
  const reopenedHeading = 'Open again:';
  const link = REOPENING_EVENTS.has(event) && facts.payLink ? facts.payLink : null;
  const linkWords = 'Pay the open items:';
  const text = [
    opening, '', ...details, '', heading, ...lines, '',
    ...(reopened.length > 0 ? [reopenedHeading, ...reopened.map((line) => `  ${line.label}: ${formatCents(line.amountCents)}`), ''] : []),
    ...next,
    ...(link ? ['', linkWords, link] : []),
  ].join('\n');
  const table = (rows: Array<{ label: string; amountCents: number }>) =>
    `<table style="border-collapse:collapse">${rows.map((line) => `<tr><td style="padding:2px 16px 2px 0">${escapeHtml(line.label)}</td><td style="text-align:right">${escapeHtml(formatCents(line.amountCents))}</td></tr>`).join('')}</table>`;
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1f2933;max-width:560px">
<p>${escapeHtml(opening)}</p>
<p>${details.map(escapeHtml).join('<br>')}</p>
<p><strong>${escapeHtml(heading)}</strong></p>
${table(facts.lines)}
${reopened.length > 0 ? `<p><strong>${escapeHtml(reopenedHeading)}</strong></p>\n${table(reopened)}` : ''}
${next.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n')}
${link ? `<p><a href="${escapeHtml(link)}">Pay the open items</a></p>` : ''}
</body></html>`;
  return { subject, text, html };
}

/** The events after which items the customer had paid are open again: their email links to paying them. */
const REOPENING_EVENTS = new Set<PaymentNoticeEvent>(['failed', 'returned', 'terminated', 'refunded', 'charged_back', 'reversed_partly']);

function disputeWords(facts: PaymentNoticeFacts): string {
  const reason = facts.reversal?.networkReason?.trim();
  return reason ? ` (reason given: ${reason.charAt(0).toLowerCase()}${reason.slice(1)})` : '';
}

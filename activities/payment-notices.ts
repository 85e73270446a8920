import type { ActivityDeps } from '.';
import { queueEmail } from '../db/email-outbox';
import { noticeReversal, noticeSubject, reopenedItems, type NoticeReversal } from '../db/payment-notice-items';
import { returnedPaymentFeeOf } from '../db/returned-payment-fees';
import { portalPayLink } from '../domain/portal-links';
import { deliverNow } from '../services/email-relay';
import type { PaymentNoticeEvent } from '../workflows/payment-definitions';
import { paymentNoticeEmail, type PaymentNoticeFacts } from './payment-notice-email';
import { isDeductionLine } from '../domain/application-lines';

const LINE_LABEL: Record<string, string> = { invoice: 'Invoice', debit: 'Debit adjustment', credit: 'Credit applied', discount: 'Statement discount', terms_discount: 'Early-payment discount' };

/** Which reversal a notice is about: money taken back after clearing is recorded as one (db/payment-notice-items.ts). */
const REVERSAL_KINDS: Partial<Record<PaymentNoticeEvent, NoticeReversal['kind'][]>> = {
  returned: ['ach_return'],
  charged_back: ['chargeback'],
  refunded: ['refund'],
  reversed_partly: ['chargeback', 'refund', 'ach_return'],
};
const REOPENING: ReadonlySet<PaymentNoticeEvent> = new Set(['failed', 'returned', 'terminated', 'refunded', 'charged_back', 'reversed_partly']);

/**
 * Customer emails about a payment, sent from the payment workflow at submission and at each
 * outcome, and after clearing whenever money is taken back. Each is queued in `email_outbox`
 * under the key payment + event (+ reversal, for money taken back in parts), so a retried
 * activity queues nothing new and the relay is the only thing that sends; this activity then
 * asks the relay to deliver that one row at once rather than at its next pass.
 */
export function createPaymentNoticeActivities({ db, config, logger }: ActivityDeps) {
  return {
    /**
     * `reversalId` names the reversal a `reversed_partly` (or chargeback/refund) notice is about;
     * without it, the payment's latest of the matching kind. A payment can be given back in
     * parts more than once, so those notices are one per reversal, not one per event.
     */
    async sendPaymentNotice({ paymentId, event, reversalId }: { paymentId: string; event: PaymentNoticeEvent; reversalId?: string }): Promise<{ emailId: string | null }> {
      const subject = await noticeSubject(db, paymentId);
      if (!subject) return { emailId: null };
      const { payment, to, lines: applications } = subject;
      if (!to) {
        logger.info({ paymentId, event }, 'payment email not sent: nobody to send it to');
        return { emailId: null };
      }
      const kinds = REVERSAL_KINDS[event];
      const reversal = kinds ? await noticeReversal(db, paymentId, { reversalId, kinds }) : null;
      const reopened = REOPENING.has(event) ? await reopenedItems(db, paymentId, reversal?.id ?? null) : [];
      // Booked with the return (before this email is queued), so a charged fee is always named.
      const fee = event === 'returned' || event === 'failed' ? await returnedPaymentFeeOf(db, paymentId) : null;
      const payable = [...reopened.map((item) => item.itemId), ...(fee ? [fee.adjustmentId] : [])];
      const facts: PaymentNoticeFacts = {
        number: payment.number,
        method: payment.method,
        methodLabel: payment.method_kind === 'ach'
          ? `${payment.bank_name ?? payment.method_label ?? 'Bank account'} ····${payment.last4}`
          : `${payment.card_brand ?? 'Card'} ····${payment.last4}`,
        amountCents: Number(payment.amount_cents),
        feeCents: Number(payment.fee_cents),
        dealerName: payment.dealer_name,
        accountName: payment.account_name,
        erpAccountId: payment.erp_account_id,
        lines: applications.map((row) => {
          // Credits and discounts reduce what was charged.
          const sign = isDeductionLine(row.item_type) ? -1 : 1;
          return { label: `${LINE_LABEL[row.item_type] ?? row.item_type} ${row.invoice_number ?? row.adjustment_number ?? row.statement_number ?? ''}`.trim(), amountCents: sign * Number(row.amount_cents) };
        }),
        failureReason: payment.failure_reason,
        returnCode: payment.return_code,
        termination: !payment.moov_transfer_id ? 'not_sent' : /^refunded/.test(payment.moov_status ?? '') ? 'refunded' : 'cancelled',
        reversal,
        reopened: reopened.map((item) => ({ label: `${LINE_LABEL[item.itemType] ?? item.itemType} ${item.number}`.trim(), amountCents: item.amountCents })),
        returnedPaymentFee: fee ? { amountCents: fee.amountCents, adjustmentNumber: fee.adjustmentNumber } : null,
        payLink: payable.length > 0 ? portalPayLink(config.PUBLIC_URL, payment.dealer_id, payable) : null,
      };
      const email = paymentNoticeEmail(event, facts);
      const emailId = await queueEmail(db, {
        dealerId: payment.dealer_id, kind: `payment_${event}`, to, subject: email.subject, text: email.text, html: email.html, dedupeKey: reversal && event !== 'returned' ? `payment:${paymentId}:${event}:${reversal.id}` : `payment:${paymentId}:${event}`,
        customerAccountId: payment.customer_account_id, paymentId,
      });
      // Queued is enough: if this does not get it out, the relay's next pass does.
      await deliverNow(db, config, [emailId]);
      return { emailId };
    },
  };
}

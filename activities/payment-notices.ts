import type { ActivityDeps } from '.';
import { queueEmail } from '../db/email-outbox';
import { sharedMailer } from '../integrations/mailer';
import { relayDueEmails } from '../services/email-relay';
import type { PaymentNoticeEvent } from '../workflows/payment-definitions';
import { paymentNoticeEmail, type PaymentNoticeFacts } from './payment-notice-email';

const LINE_LABEL: Record<string, string> = { invoice: 'Invoice', debit: 'Debit adjustment', credit: 'Credit applied', discount: 'Statement discount' };

/**
 * Customer emails about a payment, sent from the payment workflow at submission and at each
 * outcome. Each is queued in `email_outbox` under the key payment + event, so a retried
 * activity queues nothing new and the relay is the only thing that sends; this activity then
 * asks the relay to deliver that one row at once rather than at its next pass.
 */
export function createPaymentNoticeActivities({ db, config, logger }: ActivityDeps) {
  return {
    async sendPaymentNotice({ paymentId, event }: { paymentId: string; event: PaymentNoticeEvent }): Promise<{ emailId: string | null }> {
      const payment = await db('payments as p')
        .join('dealers as d', 'd.id', 'p.dealer_id')
        .join('customer_accounts as ca', 'ca.id', 'p.customer_account_id')
        .join('payment_methods as pm', 'pm.id', 'p.payment_method_id')
        .leftJoin('portal_users as u', 'u.id', 'p.portal_user_id')
        .where('p.id', paymentId)
        .first('p.*', 'd.name as dealer_name', 'ca.name as account_name', 'ca.erp_account_id', 'u.email as payer_email',
          'pm.kind as method_kind', 'pm.label as method_label', 'pm.last4', 'pm.bank_name', 'pm.card_brand');
      if (!payment) return { emailId: null };
      // The person who paid; a payment made without a portal login goes to the account's primary contact.
      const to: string | null = payment.payer_email
        ?? (await db('contacts').where({ customer_account_id: payment.customer_account_id, is_primary: true }).whereNull('deleted_at').whereNotNull('email').first('email'))?.email
        ?? null;
      if (!to) {
        logger.info({ paymentId, event }, 'payment email not sent: nobody to send it to');
        return { emailId: null };
      }
      const applications = await db('payment_applications as pa')
        .leftJoin('invoices as i', 'i.id', 'pa.invoice_id')
        .leftJoin('adjustments as ad', 'ad.id', 'pa.adjustment_id')
        .leftJoin('statements as st', 'st.id', 'pa.statement_id')
        .where('pa.payment_id', paymentId)
        .orderBy('pa.id')
        .select('pa.item_type', 'pa.amount_cents', 'i.invoice_number', 'ad.adjustment_number', 'st.statement_number');
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
          const sign = row.item_type === 'credit' || row.item_type === 'discount' ? -1 : 1;
          return { label: `${LINE_LABEL[row.item_type] ?? row.item_type} ${row.invoice_number ?? row.adjustment_number ?? row.statement_number ?? ''}`.trim(), amountCents: sign * Number(row.amount_cents) };
        }),
        failureReason: payment.failure_reason,
        returnCode: payment.return_code,
        termination: !payment.moov_transfer_id ? 'not_sent' : /^refunded/.test(payment.moov_status ?? '') ? 'refunded' : 'cancelled',
      };
      const email = paymentNoticeEmail(event, facts);
      const emailId = await queueEmail(db, {
        dealerId: payment.dealer_id, kind: `payment_${event}`, to, subject: email.subject, text: email.text, html: email.html, dedupeKey: `payment:${paymentId}:${event}`,
      });
      try {
        await relayDueEmails(db, sharedMailer(config), { ids: [emailId] });
      } catch (error) {
        // Queued is enough: the relay's next pass delivers it.
        logger.warn({ err: error, paymentId, event }, 'payment email queued; immediate delivery failed');
      }
      return { emailId };
    },
  };
}

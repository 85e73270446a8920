import { useState } from 'react';
import { achReturn } from '../../../domain/ach-returns';
import { messageOf, post } from '../api';
import { InvoiceDocuments } from '../components/InvoiceDocuments';
import { LienWaiverList } from '../components/LienWaiverList';
import { ErrorMessage, Loading, Notice, StatusBadge } from '../components/ui';
import { dateTime, money } from '../format';
import { discountSumLabel, isDeductionLine } from '../../../domain/application-lines';
import type { PaymentDetail } from '../types';
import { useLivePayment } from '../use-live-payment';

const LINE_LABEL = { invoice: 'Invoice', debit: 'Debit', credit: 'Credit', discount: 'Statement discount', terms_discount: 'Early-payment discount', unapplied: 'Paid on account' } as const;

/** What became of the money, in the customer's words, for a payment that ended without being paid. */
export function moneyStory(payment: PaymentDetail): { title: string; text: string } | null {
  const card = payment.method === 'card';
  const amount = money(payment.amountCents);
  const reason = payment.failureReason ? ` (${payment.failureReason})` : '';
  switch (payment.moneyOutcome) {
    case 'not_charged':
      return {
        title: 'Nothing was charged',
        text: `This payment was cancelled before any money moved: ${payment.methodLabel} was not charged. ${card ? 'If your bank shows a pending hold, it drops off by itself within a few days. ' : ''}The items it covered are open again on Outstanding.`,
      };
    case 'refunded':
      return {
        title: `${amount} refunded`,
        text: `${payment.status === 'refunded' ? `${payment.dealerName} refunded this payment` : `This payment was cancelled after ${amount} had been ${card ? 'charged' : 'debited'}, so it has been refunded`} to ${payment.methodLabel}. ${card ? 'Refunds usually show on your card statement within 5 to 10 business days.' : 'The money usually arrives back in your account within 2 to 4 business days.'} The items it covered are open again on Outstanding.`,
      };
    case 'charged_back':
      return {
        title: `${amount} reversed by your card issuer`,
        text: `Your card issuer took the ${amount} charge back after a dispute, so the money is back on ${payment.methodLabel} and ${payment.dealerName} has not been paid. The items it covered are owed again: pay them on Outstanding, or contact ${payment.dealerName} if you think this is a mistake.`,
      };
    case 'failed':
      return {
        title: card ? 'The card was declined' : 'The bank transfer failed',
        text: `The ${card ? 'charge' : 'debit'} did not go through${reason}, so nothing was taken from ${payment.methodLabel}. The items it covered are open again: pay them with another method, or contact ${payment.dealerName}.`,
      };
    case 'returned': {
      // For a return, the reason the API sends is the bank's return code.
      const code = payment.failureReason;
      return {
        title: 'Returned by your bank',
        text: `Your bank sent the ${amount} debit back, so the money is back in ${payment.methodLabel} and ${payment.dealerName} has not been paid. The items it covered are owed again. ${achReturn(code).customerText}${code ? ` (Return code ${code}.)` : ''}`,
      };
    }
    default:
      return null;
  }
}

export function PaymentDetailPage({ paymentId }: { paymentId: string }) {
  const { data: payment, error } = useLivePayment(paymentId);
  const [emailState, setEmailState] = useState<{ sentTo?: string; error?: string; busy?: boolean }>({});

  if (error) return <><ErrorMessage error={error} /><p><a href="#/payments">Back to payments</a></p></>;
  if (!payment) return <Loading />;

  const emailReceipt = async () => {
    setEmailState({ busy: true });
    try {
      const answer = await post<{ sentTo: string }>(`/payments/${payment.id}/receipt/email`);
      setEmailState({ sentTo: answer.sentTo });
    } catch (caught) {
      setEmailState({ error: messageOf(caught) });
    }
  };

  const story = moneyStory(payment);
  // "Total charged" would be untrue for a payment whose money never moved or came back.
  const totalLabel = story ? 'Payment amount' : 'Total charged';

  return (
    <section className="payment-detail">
      <p className="eyebrow"><a href="#/payments">‹ All payments</a></p>
      <div className="page-head">
        <div>
          <h1>{money(payment.amountCents)}</h1>
          <p className="muted">Payment {payment.number} to {payment.dealerName}</p>
        </div>
        <StatusBadge status={payment.status} label={payment.statusLabel} />
      </div>
      {story && (
        <div className="card money-story" role="status">
          <h2>{story.title}</h2>
          <p>{story.text}</p>
        </div>
      )}
      <div className="card">
        <dl className="facts">
          <div><dt>Submitted</dt><dd>{dateTime(payment.submittedAt, payment.dealerTimeZone)}</dd></div>
          <div><dt>Method</dt><dd>{payment.methodLabel}</dd></div>
          <div><dt>Account</dt><dd>{payment.accountName} ({payment.erpAccountId})</dd></div>
        </dl>
      </div>
      <div className="card">
        <h2>What it paid</h2>
        <ul className="preview-lines">
          {payment.lines.map((line, index) => (
            <li key={index}>
              <span>{LINE_LABEL[line.type]} {line.number}{line.appliedToInvoiceNumber ? <span className="muted small"> to invoice {line.appliedToInvoiceNumber}</span> : null}</span>
              <span className={isDeductionLine(line.type) ? 'credit' : ''}>{isDeductionLine(line.type) ? `−${money(line.amountCents)}` : money(line.amountCents)}</span>
              {line.invoiceId && <InvoiceDocuments invoiceId={line.invoiceId} invoiceNumber={line.number} />}
            </li>
          ))}
        </ul>
        <dl className="preview-sums">
          <div><dt>Items</dt><dd>{money(payment.itemsCents)}</dd></div>
          {payment.creditsCents > 0 && <div><dt>Credits</dt><dd className="credit">−{money(payment.creditsCents)}</dd></div>}
          {payment.discountCents > 0 && <div><dt>{discountSumLabel(payment.lines.map((line) => line.type))}</dt><dd className="credit">−{money(payment.discountCents)}</dd></div>}
          <div><dt>Fee</dt><dd>{money(payment.feeCents)}</dd></div>
          <div className="total"><dt>{totalLabel}</dt><dd>{money(payment.amountCents)}</dd></div>
        </dl>
      </div>
      <div className="card">
        <h2>Progress</h2>
        <ol className="timeline">
          {payment.events.map((event, index) => (
            <li key={index}><StatusBadge status={event.status} label={event.statusLabel} /> <span className="small muted">{dateTime(event.at, payment.dealerTimeZone)}</span></li>
          ))}
        </ol>
      </div>
      <div className="card">
        <h2>Lien waivers</h2>
        <LienWaiverList paymentId={payment.id} reloadOn={payment.status} emptyText="This payment paid no items on a job, so it carries no lien waiver." />
      </div>
      <div className="row wrap">
        <a className="button secondary" href={`/api/portal/payments/${payment.id}/receipt.pdf`} download>Download receipt (PDF)</a>
        <button type="button" className="secondary" onClick={emailReceipt} disabled={emailState.busy}>Email me the receipt</button>
      </div>
      {emailState.sentTo && <Notice>Receipt sent to {emailState.sentTo}.</Notice>}
      <ErrorMessage error={emailState.error} />
    </section>
  );
}

import { useState } from 'react';
import { get, messageOf, post } from '../api';
import { ErrorMessage, Loading, Notice, StatusBadge } from '../components/ui';
import { dateTime, money } from '../format';
import type { PaymentDetail } from '../types';
import { useLoad } from '../use-load';

const LINE_LABEL = { invoice: 'Invoice', debit: 'Debit', credit: 'Credit', discount: 'Statement discount' } as const;

export function PaymentDetailPage({ paymentId }: { paymentId: string }) {
  const { data: payment, error } = useLoad(() => get<PaymentDetail>(`/payments/${encodeURIComponent(paymentId)}`), paymentId);
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
              <span className={line.type === 'credit' || line.type === 'discount' ? 'credit' : ''}>{line.type === 'credit' || line.type === 'discount' ? `−${money(line.amountCents)}` : money(line.amountCents)}</span>
            </li>
          ))}
        </ul>
        <dl className="preview-sums">
          <div><dt>Items</dt><dd>{money(payment.itemsCents)}</dd></div>
          {payment.creditsCents > 0 && <div><dt>Credits</dt><dd className="credit">−{money(payment.creditsCents)}</dd></div>}
          {payment.discountCents > 0 && <div><dt>Statement discount</dt><dd className="credit">−{money(payment.discountCents)}</dd></div>}
          <div><dt>Fee</dt><dd>{money(payment.feeCents)}</dd></div>
          <div className="total"><dt>Total charged</dt><dd>{money(payment.amountCents)}</dd></div>
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
      <div className="row wrap">
        <a className="button secondary" href={`/api/portal/payments/${payment.id}/receipt.pdf`} download>Download receipt (PDF)</a>
        <button type="button" className="secondary" onClick={emailReceipt} disabled={emailState.busy}>Email me the receipt</button>
      </div>
      {emailState.sentTo && <Notice>Receipt sent to {emailState.sentTo}.</Notice>}
      <ErrorMessage error={emailState.error} />
    </section>
  );
}

import { useState } from 'react';
import type { ScheduledPayment } from '../../../contracts/portal/scheduled-payments';
import { get, messageOf, post } from '../api';
import { ErrorMessage, Loading, Notice, StatusBadge } from '../components/ui';
import { dateOnly, dateTime, money } from '../format';
import type { PaymentSummary } from '../types';
import { useLoad } from '../use-load';

/** Every payment the company made through the portal, newest first, under those scheduled for later. */
export function Payments({ justScheduled = false }: { justScheduled?: boolean }) {
  const { data, error } = useLoad(() => get<{ payments: PaymentSummary[]; total: number }>('/payments?limit=200'), 'payments');
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  return (
    <section>
      <h1>Payments</h1>
      {justScheduled && <Notice>Your payment is scheduled. Its items are held for it; you can cancel it here until its date.</Notice>}
      <Scheduled />
      {data.payments.length === 0 ? <p className="card muted">No payments yet.</p> : (
        <ul className="payment-list">
          {data.payments.map((payment) => (
            <li key={payment.id}>
              <a className="card payment-row" href={`#/payments/${payment.id}`}>
                <span className="payment-main">
                  <strong>{money(payment.amountCents)}</strong>
                  <span className="muted small">{payment.dealerName} · {payment.number}</span>
                </span>
                <span className="payment-meta">
                  <span className="small">{dateTime(payment.submittedAt, payment.dealerTimeZone)}</span>
                  <span className="muted small">{payment.methodLabel}</span>
                </span>
                <StatusBadge status={payment.status} label={payment.statusLabel} />
              </a>
            </li>
          ))}
        </ul>
      )}
      {data.total > data.payments.length && <p className="muted small">Showing the latest {data.payments.length} of {data.total}.</p>}
    </section>
  );
}

/** Payments waiting for their date, each cancellable until it runs. */
function Scheduled() {
  const { data, error, reload } = useLoad(() => get<{ scheduledPayments: ScheduledPayment[] }>('/scheduled-payments'), 'scheduled-payments');
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (error) return <ErrorMessage error={error} />;
  const waiting = data?.scheduledPayments.filter((scheduled) => scheduled.status === 'scheduled') ?? [];
  if (waiting.length === 0) return null;
  const cancel = async (scheduled: ScheduledPayment) => {
    setBusy(scheduled.id);
    setCancelError(null);
    try {
      await post(`/scheduled-payments/${scheduled.id}/cancel`, {});
      reload();
    } catch (failure) {
      setCancelError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="card scheduled">
      <h2>Scheduled</h2>
      <ErrorMessage error={cancelError} />
      <ul className="scheduled-list">
        {waiting.map((scheduled) => (
          <li key={scheduled.id} className="scheduled-row">
            <span>
              <strong>{money(scheduled.quotedAmountCents)}</strong> on <strong>{dateOnly(scheduled.scheduledFor)}</strong>
              <span className="muted small"> · {scheduled.items.map((item) => item.number).join(', ')} · {scheduled.methodLabel}</span>
            </span>
            <button type="button" className="secondary" disabled={busy !== null} onClick={() => cancel(scheduled)} aria-label={`Cancel the payment scheduled for ${dateOnly(scheduled.scheduledFor)}`}>
              {busy === scheduled.id ? 'Cancelling…' : 'Cancel'}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

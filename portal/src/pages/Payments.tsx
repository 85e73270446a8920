import { get } from '../api';
import { ErrorMessage, Loading, StatusBadge } from '../components/ui';
import { dateTime, money } from '../format';
import type { PaymentSummary } from '../types';
import { useLoad } from '../use-load';

/** Every payment the company made through the portal, newest first. */
export function Payments() {
  const { data, error } = useLoad(() => get<{ payments: PaymentSummary[]; total: number }>('/payments?limit=200'), 'payments');
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  return (
    <section>
      <h1>Payments</h1>
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

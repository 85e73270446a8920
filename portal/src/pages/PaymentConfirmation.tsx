import { ErrorMessage, Loading, StatusBadge } from '../components/ui';
import { money } from '../format';
import { useLivePayment } from '../use-live-payment';
import { moneyStory } from './PaymentDetail';

/** Right after paying: what was submitted and what happens next. */
export function PaymentConfirmation({ paymentId }: { paymentId: string }) {
  const { data: payment, error } = useLivePayment(paymentId);
  if (error) return <ErrorMessage error={error} />;
  if (!payment) return <Loading />;
  const story = moneyStory(payment);
  return (
    <section className="card confirmation">
      <p className="check-mark" aria-hidden="true">✓</p>
      <h1>Payment submitted</h1>
      <p className="big">{money(payment.amountCents)} to {payment.dealerName}</p>
      <p>Payment {payment.number} · {payment.methodLabel} · <StatusBadge status={payment.status} label={payment.statusLabel} /></p>
      {story ? <p role="status"><strong>{story.title}.</strong> {story.text}</p> : (
      <p className="muted">
        {payment.method === 'ach'
          ? 'Bank transfers take 1 to 3 business days to clear. The payment shows as Processing until then; there is nothing more to do.'
          : 'Your card is charged now; the payment usually completes the same business day.'}
      </p>
      )}
      <div className="row wrap center">
        <a className="button primary" href={`#/payments/${payment.id}`}>View payment and receipt</a>
        <a className="button ghost" href={`#/outstanding/${payment.dealerId}`}>Back to Outstanding</a>
      </div>
    </section>
  );
}

import { useState } from 'react';
import type { PaymentApproval } from '../../../contracts/portal/company-roles';
import { get, messageOf, post } from '../api';
import { ErrorMessage, Loading, Notice } from '../components/ui';
import { dateOnly, dateTime, money } from '../format';
import { useLoad } from '../use-load';

/**
 * Payments above the company's approval limit (docs/company-roles.md): waiting ones first.
 * Owners approve (the payment is made at once) or decline; everyone else sees where theirs stand.
 */
export function Approvals({ justRequested = false }: { justRequested?: boolean }) {
  const { data, error, reload } = useLoad(() => get<{ approvals: PaymentApproval[] }>('/payment-approvals'), 'payment-approvals');
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  const decide = async (approval: PaymentApproval, decision: 'approve' | 'decline') => {
    setBusy(approval.id);
    setActionError(null);
    try {
      await post(`/payment-approvals/${approval.id}/${decision}`, decision === 'decline' && reasons[approval.id] ? { reason: reasons[approval.id] } : {});
      reload();
    } catch (failure) {
      setActionError(messageOf(failure));
    } finally {
      setBusy(null);
    }
  };
  const waiting = data.approvals.filter((approval) => approval.status === 'awaiting_approval');
  const decided = data.approvals.filter((approval) => approval.status !== 'awaiting_approval');
  return (
    <section>
      <h1>Approvals</h1>
      {justRequested && <Notice>Your payment is above your company's approval limit, so it waits for an owner. Its items are held meanwhile; nothing is charged until an owner approves.</Notice>}
      <ErrorMessage error={actionError} />
      {waiting.length === 0 && <p className="card muted">Nothing is waiting for approval.</p>}
      {waiting.map((approval) => (
        <article key={approval.id} className="card approval" aria-label={`Payment of ${money(approval.amountCents)} waiting for approval`}>
          <p className="big"><strong>{money(approval.amountCents)}</strong> to {approval.dealerName}{approval.scheduledFor && <> on {dateOnly(approval.scheduledFor)}</>}</p>
          <p className="small">Asked for by {approval.requestedBy.name} ({approval.requestedBy.email}) · above the limit of {money(approval.thresholdCents)}</p>
          <p className="small muted">{approval.items.map((item) => `${item.number} (${money(item.amountCents)})`).join(', ')}</p>
          <p className="small">Waits until {dateTime(approval.expiresAt)}; then it lapses and the items are released.</p>
          {approval.canDecide && (
            <div className="stack">
              <label className="field">
                <span className="field-label">Reason if you decline (optional)</span>
                <input value={reasons[approval.id] ?? ''} onChange={(event) => setReasons({ ...reasons, [approval.id]: event.target.value })} maxLength={500} />
              </label>
              <div className="row wrap">
                <button type="button" className="primary" disabled={busy !== null} onClick={() => decide(approval, 'approve')}>{busy === approval.id ? 'Working…' : approval.scheduledFor ? `Approve and schedule for ${dateOnly(approval.scheduledFor)}` : `Approve and pay ${money(approval.amountCents)}`}</button>
                <button type="button" className="secondary" disabled={busy !== null} onClick={() => decide(approval, 'decline')}>Decline</button>
              </div>
            </div>
          )}
        </article>
      ))}
      {decided.length > 0 && (
        <div className="card">
          <h2>Decided</h2>
          <ul className="scheduled-list">
            {decided.map((approval) => (
              <li key={approval.id} className="scheduled-row">
                <span>
                  <strong>{money(approval.amountCents)}</strong> to {approval.dealerName} <span className="muted small">· {approval.requestedBy.name}</span>
                  {approval.declineReason && <span className="muted small"> · “{approval.declineReason}”</span>}
                  {approval.failureReason && <span className="muted small"> · {approval.failureReason}</span>}
                </span>
                <span className="row">
                  <span className="badge">{approval.statusLabel}</span>
                  {approval.paymentId && <a href={`#/payments/${approval.paymentId}`}>View payment</a>}
                  {approval.scheduledPaymentId && <a href="#/payments">Scheduled for {dateOnly(approval.scheduledFor)}</a>}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

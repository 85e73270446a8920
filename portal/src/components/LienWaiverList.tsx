import { get } from '../api';
import { dateOnly, money } from '../format';
import type { LienWaiver } from '../types';
import { useLoad } from '../use-load';
import { ErrorMessage, Loading } from './ui';

function statusWords(waiver: LienWaiver): string {
  if (waiver.status === 'void') return `Void${waiver.void_reason ? `: ${waiver.void_reason}` : ''}`;
  if (waiver.status === 'replaced') return 'Replaced by the unconditional waiver';
  return waiver.kind === 'conditional' ? 'Current; the unconditional waiver follows once the payment can no longer come back' : 'Current';
}

/**
 * Lien waivers with a PDF download each: a payment's, one job's, or all of them. The
 * conditional waiver comes with the payment; the unconditional one once the money is final.
 */
/** `reloadOn` changes when the payment moves, so a waiver voided or released meanwhile is shown as it is now. */
export function LienWaiverList({ paymentId, jobId, showJob = true, emptyText, reloadOn = '' }: { paymentId?: string; jobId?: string; showJob?: boolean; emptyText: string; reloadOn?: string }) {
  const params = new URLSearchParams();
  if (paymentId) params.set('paymentId', paymentId);
  if (jobId) params.set('jobId', jobId);
  const query = params.toString();
  const { data, error } = useLoad(() => get<{ waivers: LienWaiver[] }>(`/lien-waivers${query ? `?${query}` : ''}`), `${query}:${reloadOn}`);
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="Loading lien waivers" />;
  if (data.waivers.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <ul className="waivers">
      {data.waivers.map((waiver) => (
        <li key={waiver.id} className={`waiver ${waiver.status}`}>
          <div>
            <strong>{waiver.title}</strong>
            <div className="small muted">
              {showJob && <><a href={`#/lien-waivers?job=${waiver.job_id}`}>{waiver.job_name}</a> (job {waiver.erp_job_id}) · </>}
              {money(waiver.amount_cents)} through {dateOnly(waiver.through_date)}
              {!paymentId && <> · payment <a href={`#/payments/${waiver.payment_id}`}>{waiver.payment_number}</a></>}
            </div>
            <div className="small">{statusWords(waiver)}</div>
          </div>
          <a className="button secondary" href={`/api/portal/lien-waivers/${waiver.id}/pdf`} download>Download PDF</a>
        </li>
      ))}
    </ul>
  );
}

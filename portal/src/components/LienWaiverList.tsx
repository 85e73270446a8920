import { get } from '../api';
import { dateOnly, money } from '../format';
import type { LienWaiver } from '../types';
import { useLoad } from '../use-load';
import { ErrorMessage, Loading } from './ui';

const STATUS_WORDS: Record<LienWaiver['status'], string> = {
  active: 'Current',
  replaced: 'Replaced by the unconditional waiver',
  void: 'Void',
};

/**
 * Lien waivers with a PDF download each: a payment's, one job's, or all of them. The
 * conditional waiver comes with the payment; the unconditional one once the money is final.
 */
export function LienWaiverList({ paymentId, jobId, showJob = true, emptyText }: { paymentId?: string; jobId?: string; showJob?: boolean; emptyText: string }) {
  const params = new URLSearchParams();
  if (paymentId) params.set('paymentId', paymentId);
  if (jobId) params.set('jobId', jobId);
  const query = params.toString();
  const { data, error } = useLoad(() => get<{ waivers: LienWaiver[] }>(`/lien-waivers${query ? `?${query}` : ''}`), query);
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
              {showJob && <>{waiver.job_name} (job {waiver.erp_job_id}) · </>}
              {money(waiver.amount_cents)} through {dateOnly(waiver.through_date)}
              {!paymentId && <> · payment <a href={`#/payments/${waiver.payment_id}`}>{waiver.payment_number}</a></>}
            </div>
            <div className="small">{STATUS_WORDS[waiver.status]}{waiver.status === 'void' && waiver.void_reason ? `: ${waiver.void_reason}` : ''}</div>
          </div>
          <a className="button secondary" href={`/api/portal/lien-waivers/${waiver.id}/pdf`} download>Download PDF</a>
        </li>
      ))}
    </ul>
  );
}

import type { LienWaiverRow } from '../db/lien-waivers';
import { LIEN_WAIVER_TITLES } from '../domain/lien-waivers';

/** A stored waiver as both apps' contracts show it (contracts/operator/lien-waivers.ts). */
export function lienWaiverRecord(row: LienWaiverRow) {
  return {
    id: row.id,
    payment_id: row.payment_id,
    payment_number: row.payment_number,
    payment_status: row.payment_status,
    customer_account_id: row.customer_account_id,
    job_id: row.job_id,
    job_name: row.job_name,
    erp_job_id: row.erp_job_id,
    customer_name: row.customer_name,
    kind: row.kind,
    form: row.form,
    title: LIEN_WAIVER_TITLES[row.kind][row.form],
    state: row.state,
    amount_cents: Number(row.amount_cents),
    through_date: row.through_date,
    status: row.status,
    void_reason: row.void_reason,
    status_changed_at: row.status_changed_at ? new Date(row.status_changed_at).toISOString() : null,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** The file name a download is saved under: the kind, the payment and the job say which one it is. */
export function lienWaiverFileName(row: LienWaiverRow): string {
  const job = row.erp_job_id.replace(/[^\w.-]+/g, '_');
  return `lien-waiver-${row.kind}-${row.payment_number}-${job}.pdf`;
}

import type { JobPayLinkRow } from '../db/job-pay-links';

/** A job pay link as the portal's and the console's lists show it; `url` only when just made. */
export function jobPayLinkView(row: JobPayLinkRow, url?: string) {
  const status = row.revoked_at ? 'revoked' as const : new Date(row.expires_at).getTime() <= Date.now() ? 'expired' as const : 'active' as const;
  return {
    id: row.id, jobId: row.job_id, jobName: row.job_name, erpJobId: row.erp_job_id, dealerName: row.dealer_name, payerLabel: row.payer_label, status,
    expiresAt: new Date(row.expires_at).toISOString(), revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null, createdAt: new Date(row.created_at).toISOString(),
    ...(url ? { url } : {}),
  };
}

import { apiFetch, errorMessage, httpClient } from '../httpClient';
import { API_URL } from '../session';
import { listQueryString } from '../listQuery';

export interface CustomerSummary {
  id: 'summary';
  account_count: number;
  outstanding_invoice_count: number;
  outstanding_cents: number;
  current_cents: number;
  past_due_cents: number;
  debit_adjustments_cents: number;
  credit_adjustments_cents: number;
  discounts_cents: number;
  net_ar_cents: number;
}

export type InviteOutcome =
  | { outcome: 'invited' | 'resent'; customerAccountId: string; erpAccountId: string; accountName: string; email: string }
  | { outcome: 'error'; customerAccountId: string; erpAccountId: string | null; accountName: string | null; error: { code: string; message: string } };

export interface InviteAnswer {
  results: InviteOutcome[];
  counts: { invited: number; resent: number; error: number };
}

/** Customers Dashboard calls that are not plain resources. */
export const customerMethods = {
  /** Turns a customer's Payments portal access off (reason required) or back on; answers the updated detail. */
  async setPortalAccess(customerAccountId: string, change: 'disable' | 'restore', reason: string): Promise<Record<string, unknown>> {
    const { json } = await httpClient(`${API_URL}/customers/${encodeURIComponent(customerAccountId)}/portal-access/${change}`, {
      method: 'POST',
      body: JSON.stringify(reason ? { reason } : {}),
    });
    return json as Record<string, unknown>;
  },

  async getCustomerSummary(filter: Record<string, unknown>): Promise<CustomerSummary> {
    const { json } = await httpClient(`${API_URL}/customers/summary${listQueryString({ filter })}`);
    return json as CustomerSummary;
  },

  /** Invite (or re-invite) customers to the Payments portal; answers per customer. */
  async inviteCustomers(customerAccountIds: string[]): Promise<InviteAnswer> {
    const response = await apiFetch(`${API_URL}/invitations`, { method: 'POST', body: JSON.stringify({ customerAccountIds }) });
    if (response.status === 404) throw new Error('Portal invitations are not available on this server yet.');
    if (!response.ok) throw new Error(await errorMessage(response));
    return (await response.json()) as InviteAnswer;
  },
};

import { apiFetch, errorMessage, httpClient } from '../httpClient';
import { API_URL } from '../session';
import { listQueryString } from '../listQuery';
import type { CustomerDetail, CustomerSummary } from '../../../contracts/operator/customers';
import type { InviteAnswer, InviteOutcome } from '../../../contracts/operator/invitations';

export type { CustomerSummary, InviteAnswer, InviteOutcome };

/** Customers Dashboard calls that are not plain resources. */
export const customerMethods = {
  /** Turns a customer's Payments portal access off (reason required) or back on; answers the updated detail. */
  async setPortalAccess(customerAccountId: string, change: 'disable' | 'restore', reason: string): Promise<CustomerDetail> {
    const { json } = await httpClient(`${API_URL}/customers/${encodeURIComponent(customerAccountId)}/portal-access/${change}`, {
      method: 'POST',
      body: JSON.stringify(reason ? { reason } : {}),
    });
    return json as CustomerDetail;
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

import type { CustomerReminders, ReminderPreview, ReminderSettings, ReminderSettingsChange } from '../../../contracts/operator/reminders';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

/** Settings → Reminders and the customer page's reminder switch (docs/reminders.md). */
async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

export interface CustomerChoice {
  id: string;
  name: string;
  erp_account_id: string;
}

export const remindersApi = {
  settings: async (): Promise<ReminderSettings> => json(await apiFetch(`${API_URL}/settings/reminders`)),
  save: async (change: ReminderSettingsChange): Promise<ReminderSettings> => json(await apiFetch(`${API_URL}/settings/reminders`, { method: 'PUT', body: JSON.stringify(change) })),
  preview: async (customerId: string, body: { subject_template?: string; body_template?: string; as_of?: string }): Promise<ReminderPreview> =>
    json(await apiFetch(`${API_URL}/customers/${encodeURIComponent(customerId)}/reminder-preview`, { method: 'POST', body: JSON.stringify(body) })),
  findCustomers: async (q: string): Promise<CustomerChoice[]> => {
    const query = new URLSearchParams({ range: JSON.stringify([0, 9]), filter: JSON.stringify(q.trim() ? { q: q.trim() } : {}) });
    return json(await apiFetch(`${API_URL}/customers?${query}`));
  },
  customer: async (customerId: string): Promise<CustomerReminders> => json(await apiFetch(`${API_URL}/customers/${encodeURIComponent(customerId)}/reminders`)),
  setOptOut: async (customerId: string, optOut: boolean, reason: string): Promise<CustomerReminders> =>
    json(await apiFetch(`${API_URL}/customers/${encodeURIComponent(customerId)}/reminders/${optOut ? 'opt-out' : 'opt-in'}`, { method: 'POST', body: JSON.stringify(reason ? { reason } : {}) })),
};

import type {
  CreateWebhookEndpointBody, UpdateWebhookEndpointBody, WebhookDeliveryRow, WebhookEndpointRow,
} from '../../../contracts/operator/webhook-endpoints';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

/** Settings → Webhooks, straight to the API: a signing secret in an answer must never reach react-admin's cache. */
async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

export type WithSecret = WebhookEndpointRow & { secret: string };
export const DELIVERY_PAGE = 25;

export const webhooksApi = {
  list: async (): Promise<WebhookEndpointRow[]> => json(await apiFetch(`${API_URL}/webhook-endpoints`)),
  create: async (body: CreateWebhookEndpointBody): Promise<WithSecret> => json(await apiFetch(`${API_URL}/webhook-endpoints`, { method: 'POST', body: JSON.stringify(body) })),
  update: async (id: string, body: UpdateWebhookEndpointBody): Promise<WebhookEndpointRow> => json(await apiFetch(`${API_URL}/webhook-endpoints/${id}`, { method: 'PUT', body: JSON.stringify(body) })),
  rollSecret: async (id: string): Promise<WithSecret> => json(await apiFetch(`${API_URL}/webhook-endpoints/${id}/roll-secret`, { method: 'POST' })),
  deliveries: async (id: string, status: string): Promise<WebhookDeliveryRow[]> => {
    const query = new URLSearchParams({ range: JSON.stringify([0, DELIVERY_PAGE - 1]), filter: JSON.stringify(status ? { status } : {}) });
    return json(await apiFetch(`${API_URL}/webhook-endpoints/${id}/deliveries?${query}`));
  },
  resend: async (deliveryId: string): Promise<WebhookDeliveryRow> => json(await apiFetch(`${API_URL}/webhook-deliveries/${deliveryId}/resend`, { method: 'POST' })),
};

import type { ApiKeyRow, CreateApiKeyBody, IssuedApiKey } from '../../../contracts/operator/api-keys';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

/** Settings → API keys, straight to the API: the secret in an answer must never reach react-admin's cache. */
async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

export const apiKeysApi = {
  list: async (): Promise<ApiKeyRow[]> => json(await apiFetch(`${API_URL}/api-keys`)),
  create: async (body: CreateApiKeyBody): Promise<IssuedApiKey> => json(await apiFetch(`${API_URL}/api-keys`, { method: 'POST', body: JSON.stringify(body) })),
  rotate: async (id: string): Promise<IssuedApiKey> => json(await apiFetch(`${API_URL}/api-keys/${id}/rotate`, { method: 'POST' })),
  revoke: async (id: string): Promise<ApiKeyRow> => json(await apiFetch(`${API_URL}/api-keys/${id}/revoke`, { method: 'POST' })),
};

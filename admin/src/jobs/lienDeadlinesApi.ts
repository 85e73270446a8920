import type { LienDeadlineOverridesChange, LienDeadlineSettings } from '../../../contracts/operator/jobs';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

/** Settings → Lien deadlines: the default days per state and the dealer's overrides. */
export const lienDeadlinesApi = {
  get: async (): Promise<LienDeadlineSettings> => json(await apiFetch(`${API_URL}/settings/lien-deadlines`)),
  save: async (change: LienDeadlineOverridesChange): Promise<LienDeadlineSettings> =>
    json(await apiFetch(`${API_URL}/settings/lien-deadlines`, { method: 'PUT', body: JSON.stringify(change) })),
};

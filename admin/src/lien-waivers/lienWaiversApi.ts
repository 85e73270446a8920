import type { LienWaiverFormsChange, LienWaiverFormsSettings } from '../../../contracts/operator/lien-waivers';
import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

export type { LienWaiverDetail, LienWaiverRow } from '../../../contracts/operator/lien-waivers';

/** A waiver's PDF; the API records the download as the signed-in operator's. */
export const lienWaiverPdfUrl = (id: string) => `${API_URL}/lien-waivers/${encodeURIComponent(id)}/pdf`;

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(await errorMessage(response));
  return (await response.json()) as T;
}

/** Settings → Lien waivers: the form (progress or final) per state. */
export const lienWaiverFormsApi = {
  get: async (): Promise<LienWaiverFormsSettings> => json(await apiFetch(`${API_URL}/settings/lien-waivers`)),
  save: async (change: LienWaiverFormsChange): Promise<LienWaiverFormsSettings> => json(await apiFetch(`${API_URL}/settings/lien-waivers`, { method: 'PUT', body: JSON.stringify(change) })),
};

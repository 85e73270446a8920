import type { ShortPay } from '../../../contracts/operator/short-pays';
import type { ShortPayResolution } from '../../../domain/short-pay';
import { httpClient } from '../httpClient';
import { API_URL } from '../session';

export type { ShortPay };

export const shortPayMethods = {
  /** Closes the claim; a refusal (already resolved by someone else) rejects with the API's sentence. */
  async resolveShortPay(id: string, body: { resolution: ShortPayResolution; note?: string }): Promise<ShortPay> {
    const { json } = await httpClient(`${API_URL}/short-pays/${encodeURIComponent(id)}/resolve`, { method: 'POST', body: JSON.stringify(body) });
    return json as ShortPay;
  },
};

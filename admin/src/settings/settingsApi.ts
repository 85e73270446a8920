import { apiFetch, errorMessage } from '../httpClient';
import { API_URL } from '../session';

export const settingsMethods = {
  async resendOperatorInvitation(operatorId: string): Promise<void> {
    const response = await apiFetch(`${API_URL}/operators/${operatorId}/resend-invitation`, { method: 'POST' });
    if (!response.ok) throw new Error(await errorMessage(response));
  },
};

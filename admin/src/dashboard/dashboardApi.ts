import { httpClient } from '../httpClient';
import { API_URL } from '../session';
import type { DashboardFigures } from '../../../contracts/operator/dashboard';

export type { DashboardFigures };

export const dashboardMethods = {
  async getDashboard(): Promise<DashboardFigures> {
    const { json } = await httpClient(`${API_URL}/dashboard`);
    return json as DashboardFigures;
  },
};

import { httpClient } from '../httpClient';
import { API_URL } from '../session';

export interface DashboardFigures {
  id: 'dashboard';
  aging: Array<{ bucket: 'current' | '1_30' | '31_60' | '61_90' | '91_plus'; label: string; cents: number }>;
  outstanding_cents: number;
  stats_as_of: string | null;
  attention: { frozen: number; needs_investigation: number; returned: number; disputed: number };
  settlements: { to_post: number; to_post_net_cents: number; oldest_to_post: string | null; to_resolve: number; open: number };
  /** Settled money by the dealer-local day it settled, oldest day first. */
  cash_received: { days: number; amount_cents: number; count: number; by_day: Array<{ day: string; amount_cents: number; count: number }> };
  /** Submitted, still pending at the processor: not cash yet. */
  pending: { count: number; amount_cents: number };
}

export const dashboardMethods = {
  async getDashboard(): Promise<DashboardFigures> {
    const { json } = await httpClient(`${API_URL}/dashboard`);
    return json as DashboardFigures;
  },
};

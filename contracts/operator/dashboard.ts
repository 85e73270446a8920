import { z } from 'zod';
import { cents, count, day } from '../fields';

/** The console's home: open AR by aging bucket, payments to look at, settlements to post. */

export const dashboardFigures = z.strictObject({
  id: z.literal('dashboard'),
  aging: z.array(z.strictObject({ bucket: z.enum(['current', '1_30', '31_60', '61_90', '91_plus']), label: z.string(), cents })),
  outstanding_cents: cents,
  stats_as_of: day.nullable(),
  attention: z.strictObject({ frozen: count, needs_investigation: count, returned: count, disputed: count }),
  settlements: z.strictObject({ to_post: count, to_post_net_cents: cents, oldest_to_post: day.nullable(), to_resolve: count, open: count }),
  /** Settled money by the dealer-local day it settled, oldest day first. */
  cash_received: z.strictObject({
    days: count, amount_cents: cents, count,
    by_day: z.array(z.strictObject({ day: z.string(), amount_cents: cents, count })),
  }),
  /** Submitted, still pending at the processor: not cash yet. */
  pending: z.strictObject({ count, amount_cents: cents }),
});
export type DashboardFigures = z.infer<typeof dashboardFigures>;

import { z } from 'zod';
import { AGING_COLUMNS, INVITATION_STATUSES, PRIORITY_BAND_RANGES, type CustomerFilter } from '../../db/customers';
import type { PriorityBand } from '../../domain/collection-priority';
import { boolFilter, idFilter, oneOrMany, parseFilter } from './list-helpers';

/**
 * The Customers Dashboard filters as the API accepts them. The read model they select from
 * (filters, ordering, list, stats panel and CSV export rows) is the store's: `db/customers.ts`.
 */
export {
  allCustomers,
  assertCustomerSort,
  CUSTOMER_COLUMNS,
  CUSTOMER_SORTABLE,
  DEFAULT_CUSTOMER_SORT,
  INVITATION_STATUSES,
  listCustomers,
  PRIORITY_BAND_RANGES,
  summarizeCustomers,
  toCustomerRow,
  type CustomerFilter,
  type CustomerRow,
  type CustomerSummary,
  type InvitationStatus,
} from '../../db/customers';

export const customerFilterSchema = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  status: oneOrMany(z.enum(['active', 'inactive'])).optional(),
  account_type: oneOrMany(z.string().trim().min(1).max(50)).optional(),
  invitation_status: oneOrMany(z.enum(INVITATION_STATUSES)).optional(),
  aging_bucket: oneOrMany(z.enum(Object.keys(AGING_COLUMNS) as [keyof typeof AGING_COLUMNS])).optional(),
  over_credit_limit: boolFilter.optional(),
  priority_band: oneOrMany(z.enum(Object.keys(PRIORITY_BAND_RANGES) as [PriorityBand])).optional(),
  id: idFilter.optional(),
});

export const parseCustomerFilter = (filter: Record<string, unknown>): CustomerFilter => parseFilter(customerFilterSchema, filter);

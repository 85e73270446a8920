import { customerFilter, type CustomerFilter } from '../../contracts/operator/customers';
import { parseFilter } from './list-helpers';

/**
 * The Customers Dashboard filters as the API accepts them (`contracts/operator/customers.ts`).
 * The read model they select from (filters, ordering, list, stats panel and CSV export rows) is
 * the store's: `db/customers.ts`.
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
  type CustomerRow,
  type CustomerSummary,
  type InvitationStatus,
} from '../../db/customers';

export type { CustomerFilter };

export const parseCustomerFilter = (filter: Record<string, unknown>): CustomerFilter => parseFilter(customerFilter, filter);

import type { Knex } from 'knex';

/**
 * An account's unapplied credit in SQL: the sum of its credit entries (domain code sums the same
 * entries in db/account-credits.ts), as a column of whatever query reads the account, so a page
 * that lists accounts reads their credit in the same statement. `accountId`: the column holding
 * the account's id.
 */
export function unappliedCreditOf(db: Knex | Knex.Transaction, accountId: string): Knex.Raw {
  return db.raw('(select coalesce(sum(e.amount_cents), 0)::bigint from account_credit_entries e where e.customer_account_id = ??)', [accountId]);
}

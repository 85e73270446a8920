import type { Knex } from 'knex';

/**
 * The keys an upload's rows may refer to outside their own file, as the dealer's tables hold
 * them: ERP account ids, job ids, statement and document numbers, each with the ERP account
 * that owns it (`{ key, owner }`). Validation checks its rows against them
 * (activities/ingestion/references.ts); nothing here writes.
 */
export type ReferenceKind = 'account' | 'job' | 'statement' | 'invoice' | 'adjustment';

/** What each kind is looked up by in the database, and the account that owns it. */
const LOOKUPS: Record<ReferenceKind, { table: string; key: string }> = {
  account: { table: 'customer_accounts', key: 'erp_account_id' },
  job: { table: 'jobs', key: 'erp_job_id' },
  statement: { table: 'statements', key: 'statement_number' },
  invoice: { table: 'invoices', key: 'invoice_number' },
  adjustment: { table: 'adjustments', key: 'adjustment_number' },
};

export interface KeyOwner {
  key: string;
  owner: string;
}

/** Every live account, or every job, of the dealer with its owner; at most `limit` rows, so a caller can ask for one more than it keeps to see whether there are too many. */
export async function dealerKeyOwners(db: Knex, dealerId: string, kind: 'account' | 'job', limit: number): Promise<KeyOwner[]> {
  return kind === 'account'
    ? db('customer_accounts').where({ dealer_id: dealerId }).whereNull('deleted_at').limit(limit)
      .select({ key: 'erp_account_id', owner: 'erp_account_id' })
    : db('jobs as t').join('customer_accounts as a', 'a.id', 't.customer_account_id').where('t.dealer_id', dealerId).limit(limit)
      .select({ key: 't.erp_job_id', owner: 'a.erp_account_id' });
}

/** Those of `keys` the dealer has, with their owners, in one query; a deleted account counts as absent. */
export async function keyOwners(db: Knex, dealerId: string, kind: ReferenceKind, keys: string[]): Promise<KeyOwner[]> {
  const { table, key } = LOOKUPS[kind];
  return kind === 'account'
    ? db('customer_accounts').where({ dealer_id: dealerId }).whereNull('deleted_at').whereIn('erp_account_id', keys)
      .select({ key: 'erp_account_id', owner: 'erp_account_id' })
    : db(`${table} as t`).join('customer_accounts as a', 'a.id', 't.customer_account_id')
      .where('t.dealer_id', dealerId).whereIn(`t.${key}`, keys).select({ key: `t.${key}`, owner: 'a.erp_account_id' });
}

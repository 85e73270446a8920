import type { Knex } from 'knex';
import type { Db } from './connection';

/**
 * The account each party holds at the payment processor (Moov): a customer company's, which
 * its saved methods belong to, and a dealer's, which receives the money. Created on first
 * use and remembered here.
 */
type Executor = Db | Knex.Transaction;

export interface ProcessorParty {
  id: string;
  name: string;
  moov_account_id: string | null;
}

export async function companyProcessorParty(db: Executor, companyId: string): Promise<ProcessorParty | undefined> {
  return db('customer_companies').where({ id: companyId }).first('id', 'name', 'moov_account_id');
}

/**
 * Records the company's Moov account unless one was recorded meanwhile, and answers the one that
 * stands: two first requests at once (two tabs opening the card form) must agree on one account,
 * or a card linked to the other would never be found.
 */
export async function recordCompanyProcessorAccount(db: Executor, companyId: string, moovAccountId: string): Promise<string> {
  const [row] = await db('customer_companies').where({ id: companyId })
    .update({ moov_account_id: db.raw('coalesce(moov_account_id, ?)', [moovAccountId]), updated_at: db.fn.now() })
    .returning('moov_account_id');
  return row?.moov_account_id ?? moovAccountId;
}

export async function dealerProcessorParty(db: Executor, dealerId: string): Promise<ProcessorParty | undefined> {
  return db('dealers').where({ id: dealerId }).first('id', 'name', 'moov_account_id');
}

/** As for a company: the first account recorded stands. */
export async function recordDealerProcessorAccount(db: Executor, dealerId: string, moovAccountId: string): Promise<string> {
  const [row] = await db('dealers').where({ id: dealerId })
    .update({ moov_account_id: db.raw('coalesce(moov_account_id, ?)', [moovAccountId]), updated_at: db.fn.now() })
    .returning('moov_account_id');
  return row?.moov_account_id ?? moovAccountId;
}

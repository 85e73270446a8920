import type { Db } from './connection';

/** Every dealer, in a stable order: each has one long-running aging-refresh workflow, whoever onboarded it. */
export async function allDealerIds(db: Db): Promise<string[]> {
  return db('dealers').orderBy('id').pluck('id');
}

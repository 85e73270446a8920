import type { Client } from '@temporalio/client';
import type { Db } from '../db/connection';
import type { Config } from '../runtime/config';

/** What the HTTP layer needs; tests build it from the run's database and dev server. */
export interface AppDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

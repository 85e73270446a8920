import type { Db } from '../db/connection';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { createAuditActivities } from './audit';

/** What activities need from the outside world; tests pass real instances pointed at emulators. */
export interface ActivityDeps {
  db: Db;
  logger: Logger;
  config: Config;
}

/**
 * Activities are built by factories (one file per area) so each process (worker, test)
 * injects its own connections; workflows only ever see their types (`import type`).
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAuditActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

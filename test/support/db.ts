import { createDb, type Db } from '../../db/connection';
import { requiredEnv } from './temporal';

export function testDb(): Db {
  return createDb(requiredEnv('TEST_DATABASE_URL'), { max: 5 });
}

import { parseConfig, type Config } from '../../runtime/config';
import { requiredEnv } from './temporal';

/** A configuration for tests: the run's database and dev server, emulator URLs overridable. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    DATABASE_URL: requiredEnv('TEST_DATABASE_URL'),
    TEMPORAL_ADDRESS: requiredEnv('TEMPORAL_ADDRESS'),
    ...overrides,
  });
}

import { parseConfig, type Config } from '../../runtime/config';
import { requiredEnv } from './temporal';

/** A configuration for tests: the run's database and dev server, emulator URLs overridable. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    DATABASE_URL: requiredEnv('TEST_DATABASE_URL'),
    TEMPORAL_ADDRESS: requiredEnv('TEMPORAL_ADDRESS'),
    // Every test app signs in from the same loopback address; a shared budget would let one
    // file's sign-ins lock out another's. test/security/rate-limit.test.ts covers the shared store.
    RATE_LIMIT_STORE: 'memory',
    ...overrides,
  });
}

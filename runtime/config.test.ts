import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig } from './config';

const DATABASE_URL = 'postgres://drypowder@127.0.0.1:5432/drypowder';

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
}

describe('configuration', () => {
  const productionSecrets = {
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    MOOV_SECRET_KEY: 'sk_live_4f1a',
    MOOV_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    PLAID_SECRET: 'plaid-production-secret',
    SPRUCE_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
  };

  it('starts a development process with no secrets set', () => {
    expect(issuesOf({ DATABASE_URL })).toEqual([]);
  });

  it('refuses to start in production while any secret has its development default, naming each', () => {
    const issues = issuesOf({ DATABASE_URL, NODE_ENV: 'production' });
    expect(issues.sort()).toEqual(Object.keys(productionSecrets).sort().map((name) => `${name} is missing (must be set in production (it still has its development default))`));
    expect(issuesOf({ DATABASE_URL, NODE_ENV: 'production', ...productionSecrets, MOOV_WEBHOOK_SECRET: 'dev-only-moov-webhook-secret' }))
      .toEqual(['MOOV_WEBHOOK_SECRET must be set in production (it still has its development default)']);
    expect(issuesOf({ DATABASE_URL, NODE_ENV: 'production', ...productionSecrets })).toEqual([]);
  });

  it('names a data key that is not 32 bytes', () => {
    expect(issuesOf({ DATABASE_URL, DATA_ENCRYPTION_KEY: 'abc' })).toEqual(['DATA_ENCRYPTION_KEY must be 32 bytes, written as 64 hex digits or base64']);
  });
});

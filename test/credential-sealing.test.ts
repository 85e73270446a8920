import { randomBytes, randomUUID } from 'node:crypto';
import { sealPlaintextCredentials } from '../db/dealers';
import { CredentialKeyError } from '../domain/credential-seal';
import { startSpruceEmulator, type SpruceEmulator } from '../emulators/spruce';
import { spruceClientFor } from '../integrations/spruce';
import { testConfig } from './support/config';
import { testDb } from './support/db';

/**
 * Dealers' ERP credentials at rest: the worker's start-up sweep seals what is stored in clear,
 * and the Spruce client opens the sealed key for a real call to the Spruce emulator.
 */
describe('ERP credentials sealed at rest', () => {
  const db = testDb();
  let spruce: SpruceEmulator;
  // The suite's own key: the sweep seals every dealer in the shared test database, and the other
  // test files must still open theirs.
  const dataKey = testConfig().DATA_ENCRYPTION_KEY;

  beforeAll(async () => {
    spruce = await startSpruceEmulator({ port: 0 });
  });
  afterAll(async () => {
    await spruce.stop();
    await db.destroy();
  });

  it('seals keys stored in clear once, and the sealed key still opens a Spruce connection', async () => {
    const tenantId = `seal-${randomUUID().slice(0, 8)}`;
    const apiKey = `spruce-key-${randomUUID()}`;
    spruce.store.createTenant({ id: tenantId, name: 'Sealed Lumber', apiKey });
    const [dealer] = await db('dealers').insert({
      name: 'Sealed Lumber', slug: tenantId, integration_mode: 'spruce', spruce_base_url: spruce.url, spruce_tenant_id: tenantId,
      spruce_api_key: apiKey, spruce_webhook_secret: `whsec-${randomUUID()}`,
    }).returning('*');

    expect(await sealPlaintextCredentials(db, dataKey)).toBeGreaterThanOrEqual(2);
    const stored = await db('dealers').where({ id: dealer.id }).first('spruce_base_url', 'spruce_tenant_id', 'spruce_api_key', 'spruce_webhook_secret');
    expect(stored.spruce_api_key).toMatch(/^sealed:v1:/);
    expect(stored.spruce_api_key).not.toContain(apiKey);
    expect(stored.spruce_webhook_secret).toMatch(/^sealed:v1:/);
    // A second sweep finds nothing left in clear.
    expect(await sealPlaintextCredentials(db, dataKey)).toBe(0);

    await expect(spruceClientFor(stored, dataKey).ping()).resolves.toMatchObject({ id: tenantId });
    expect(() => spruceClientFor(stored, randomBytes(32).toString('hex'))).toThrow(CredentialKeyError);
  });
});

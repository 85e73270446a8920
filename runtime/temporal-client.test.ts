import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from './config';
import { temporalSecurity } from './temporal-client';

const DATABASE_URL = 'postgres://drypowder@127.0.0.1:5432/drypowder';
const securityFor = (env: NodeJS.ProcessEnv) => temporalSecurity(parseConfig({ DATABASE_URL, ...env }));

describe('Temporal connection security from configuration', () => {
  it('connects in the clear to a local server when nothing is set', () => {
    expect(securityFor({})).toEqual({});
  });

  it('uses TLS with the API key for Temporal Cloud', () => {
    expect(securityFor({ TEMPORAL_API_KEY: 'tcld-key' })).toEqual({ tls: true, apiKey: 'tcld-key' });
  });

  it('presents a client certificate for mTLS, with the server name to check when given', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'temporal-tls-'));
    writeFileSync(path.join(dir, 'client.pem'), 'CERTIFICATE');
    writeFileSync(path.join(dir, 'client.key'), 'KEY');
    const security = securityFor({ TEMPORAL_TLS_CERT_PATH: path.join(dir, 'client.pem'), TEMPORAL_TLS_KEY_PATH: path.join(dir, 'client.key'), TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    expect(security).toEqual({ tls: { clientCertPair: { crt: Buffer.from('CERTIFICATE'), key: Buffer.from('KEY') }, serverNameOverride: 'temporal.internal' } });
  });

  it('asks for TLS with the system trust store on TEMPORAL_TLS alone', () => {
    expect(securityFor({ TEMPORAL_TLS: 'true' })).toEqual({ tls: true });
  });

  it('refuses half a certificate pair, naming the missing half', () => {
    expect(() => parseConfig({ DATABASE_URL, TEMPORAL_TLS_CERT_PATH: '/etc/temporal/client.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH is missing \(must be set together with its pair/);
  });
});

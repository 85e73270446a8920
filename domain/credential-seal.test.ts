import { randomBytes } from 'node:crypto';
import { CredentialKeyError, isSealed, openCredential, parseDataKey, sealCredential } from './credential-seal';

describe('credential sealing', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never stores the credential or the same bytes twice', () => {
    const first = sealCredential('spruce-live-key-7731', key);
    const second = sealCredential('spruce-live-key-7731', key);
    expect(isSealed(first)).toBe(true);
    expect(first).not.toContain('spruce-live-key-7731');
    expect(first).not.toBe(second);
    expect(openCredential(first, key)).toBe('spruce-live-key-7731');
    expect(openCredential(second, key)).toBe('spruce-live-key-7731');
  });

  it('refuses to open under another key or after tampering, rather than sending garbage to the ERP', () => {
    const sealed = sealCredential('spruce-live-key-7731', key);
    expect(() => openCredential(sealed, randomBytes(32))).toThrow(CredentialKeyError);
    const raw = Buffer.from(sealed.slice('sealed:v1:'.length), 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => openCredential(`sealed:v1:${raw.toString('base64')}`, key)).toThrow(CredentialKeyError);
  });

  it('reads a credential stored before sealing existed as it is', () => {
    expect(openCredential('plain-old-key', key)).toBe('plain-old-key');
  });

  it('takes the key as 64 hex digits or base64, and nothing shorter', () => {
    expect(parseDataKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseDataKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseDataKey('too-short')).toThrow(/32 bytes/);
    expect(() => parseDataKey(randomBytes(16).toString('hex'))).toThrow(/32 bytes/);
  });
});

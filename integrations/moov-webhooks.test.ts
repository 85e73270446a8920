import { parseMoovWebhookEvent, signMoovWebhook, transferIdOf, verifyMoovWebhook } from './moov-webhooks';

describe('verifyMoovWebhook', () => {
  const secret = 'whsec-test-secret-0123456789';
  const sentAt = '2026-11-20T15:04:05.000Z';
  const now = Date.parse(sentAt) + 30_000;
  const signed = (overrides: Record<string, string> = {}) => {
    const parts = { timestamp: sentAt, nonce: 'nonce-1', webhookId: 'wh-1' };
    return {
      'x-timestamp': parts.timestamp,
      'x-nonce': parts.nonce,
      'x-webhook-id': parts.webhookId,
      'x-signature': signMoovWebhook(secret, parts),
      ...overrides,
    };
  };

  it('accepts a correctly signed, fresh request from Node headers or a Headers object', () => {
    expect(verifyMoovWebhook(signed(), secret, now)).toEqual({ valid: true, webhookId: 'wh-1', nonce: 'nonce-1', timestamp: new Date(sentAt) });
    const upper = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyMoovWebhook(new Headers(upper), secret, new Date(now)).valid).toBe(true);
  });

  it('refuses a tampered nonce, webhook id, timestamp or signature, and a wrong secret', () => {
    expect(verifyMoovWebhook(signed({ 'x-nonce': 'nonce-2' }), secret, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyMoovWebhook(signed({ 'x-webhook-id': 'wh-2' }), secret, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyMoovWebhook(signed({ 'x-timestamp': '2026-11-20T15:04:06.000Z' }), secret, now)).toEqual({ valid: false, reason: 'bad-signature' });
    const flipped = signed()['x-signature'].replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect(verifyMoovWebhook(signed({ 'x-signature': flipped }), secret, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyMoovWebhook(signed({ 'x-signature': 'abc' }), secret, now)).toEqual({ valid: false, reason: 'bad-signature' });
    expect(verifyMoovWebhook(signed(), 'another-secret', now)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses stale or future timestamps and missing headers', () => {
    expect(verifyMoovWebhook(signed(), secret, Date.parse(sentAt) + 6 * 60_000)).toEqual({ valid: false, reason: 'stale' });
    expect(verifyMoovWebhook(signed(), secret, Date.parse(sentAt) - 6 * 60_000)).toEqual({ valid: false, reason: 'stale' });
    expect(verifyMoovWebhook(signed(), secret, Date.parse(sentAt) + 6 * 60_000, { toleranceMs: 10 * 60_000 }).valid).toBe(true);
    const { 'x-nonce': _dropped, ...withoutNonce } = signed();
    expect(verifyMoovWebhook(withoutNonce, secret, now)).toEqual({ valid: false, reason: 'missing-headers' });
  });

  it('accepts Unix-second timestamps and refuses unreadable ones', () => {
    const seconds = String(Math.floor(now / 1000));
    const parts = { timestamp: seconds, nonce: 'n', webhookId: 'w' };
    const headers = { 'x-timestamp': seconds, 'x-nonce': 'n', 'x-webhook-id': 'w', 'x-signature': signMoovWebhook(secret, parts) };
    expect(verifyMoovWebhook(headers, secret, now).valid).toBe(true);
    const garbled = { timestamp: 'yesterday', nonce: 'n', webhookId: 'w' };
    const bad = { 'x-timestamp': 'yesterday', 'x-nonce': 'n', 'x-webhook-id': 'w', 'x-signature': signMoovWebhook(secret, garbled) };
    expect(verifyMoovWebhook(bad, secret, now)).toEqual({ valid: false, reason: 'bad-timestamp' });
  });

  it('parses an event body and finds the transfer it is about', () => {
    const event = parseMoovWebhookEvent(Buffer.from(JSON.stringify({ eventID: 'e1', type: 'transfer.updated', data: { transferID: 't1', status: 'completed' }, createdOn: sentAt })));
    expect(event).toEqual({ eventId: 'e1', type: 'transfer.updated', createdOn: new Date(sentAt), data: { transferID: 't1', status: 'completed' } });
    expect(transferIdOf(event)).toBe('t1');
    expect(() => parseMoovWebhookEvent('not json')).toThrow(/not JSON/);
    expect(() => parseMoovWebhookEvent('{"type":"x"}')).toThrow(/eventID/);
  });
});

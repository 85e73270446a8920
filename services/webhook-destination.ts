import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { refuseInvalid } from '../domain/refusal';

/**
 * Where a dealer may point a webhook. Deliveries are requests our servers make to an address a
 * dealer typed, so in production an endpoint must be https and must not resolve to loopback,
 * private, link-local or metadata addresses (or a dealer's admin could make us call inside our
 * own network). Checked when an endpoint is saved and again before every attempt, since a
 * name can be re-pointed after it was saved.
 */
const INTERNAL = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['198.18.0.0', 15]] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::1', 128], ['::', 128], ['fc00::', 7], ['fe80::', 10]] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

export interface DestinationRules {
  /** Whether loopback and private addresses are allowed (development and tests). */
  allowPrivate: boolean;
}

export const destinationRulesFor = (config: { NODE_ENV: string; WEBHOOK_ALLOW_PRIVATE_URLS?: boolean }): DestinationRules =>
  ({ allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS ?? config.NODE_ENV !== 'production' });

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it is. */
function isInternal(address: string): boolean {
  const mapped = mappedIpv4(address);
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** `::ffff:10.1.2.3`, or the same as URL writes it, `::ffff:a01:203`, as `10.1.2.3`. */
function mappedIpv4(address: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The URL as saved, or a refusal naming what is wrong with it. */
export async function checkWebhookDestination(url: string, rules: DestinationRules, field = 'url'): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuseInvalid('webhook_url_invalid', `${field}: "${url}" is not a URL.`, { field });
  }
  if (parsed.protocol !== 'https:' && !(rules.allowPrivate && parsed.protocol === 'http:')) {
    throw refuseInvalid('webhook_url_invalid', `${field}: webhook endpoints must use https.`, { field });
  }
  if (parsed.username || parsed.password) throw refuseInvalid('webhook_url_invalid', `${field}: put no credentials in the URL; verify the signature instead.`, { field });
  if (rules.allowPrivate) return parsed;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((found) => found.map((entry) => entry.address), () => {
    throw refuseInvalid('webhook_url_unresolvable', `${field}: the host ${host} could not be resolved.`, { field });
  });
  if (addresses.some(isInternal)) throw refuseInvalid('webhook_url_internal', `${field}: ${host} resolves to a private or loopback address.`, { field });
  return parsed;
}

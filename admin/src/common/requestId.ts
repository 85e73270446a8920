/**
 * A fresh id for one request the operator makes (a refund), in the RFC 4122 v4 form the API's
 * `guid` field takes. getRandomValues, because crypto.randomUUID needs a secure context and a
 * console reached over plain http on a LAN name would not have one.
 */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import { timingSafeEqual } from 'node:crypto';

export { hashToken, newToken } from '../../domain/secret-tokens';

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

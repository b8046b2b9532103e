import { timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header is exactly `Bearer <expected>`, compared in constant time so the answer's
 * timing says nothing about how much of a guess was right. Used by the services' internal-token guards.
 */
export function bearerTokenMatches(authorization: string | undefined, expected: string): boolean {
  const header = authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

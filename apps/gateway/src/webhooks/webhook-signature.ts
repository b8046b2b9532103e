import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Intuit's `intuit-signature`: base64(HMAC-SHA256(key = verifier token, message = the raw body bytes))
 * (reference/qbo-api.md §10.3). Compared in constant time on the decoded digests.
 */
export function verifyIntuitSignature(rawBody: Buffer, header: string | undefined, verifierToken: string): boolean {
  if (!header || !/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) return false; // a SHA-256 digest is 32 bytes: 44 base64 chars
  const expected = createHmac('sha256', verifierToken).update(rawBody).digest();
  const given = Buffer.from(header.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const signIntuitPayload = (rawBody: Buffer | string, verifierToken: string): string => createHmac('sha256', verifierToken).update(rawBody).digest('base64');

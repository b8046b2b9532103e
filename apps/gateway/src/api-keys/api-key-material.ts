import { createHash, randomBytes } from 'node:crypto';

/**
 * A key is `arb_<12 hex>_<43 base64url>`: 256 random bits after a public id. The id (`ak_<12 hex>`) names the
 * key in lists and audit rows and can be read off a leaked key to revoke it; the secret part is never stored.
 */
const KEY_SHAPE = /^arb_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export interface KeyMaterial {
  id: string;
  key: string;
  hash: string;
}

export function newKeyMaterial(): KeyMaterial {
  const idHex = randomBytes(6).toString('hex');
  const key = `arb_${idHex}_${randomBytes(32).toString('base64url')}`;
  return { id: `ak_${idHex}`, key, hash: hashKey(key) };
}

/**
 * SHA-256, unsalted, is right for API keys (unlike passwords): the input has 256 bits of entropy, so there
 * is nothing to brute-force, and a deterministic digest lets the key be found by an index lookup.
 */
export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const looksLikeKey = (candidate: string): boolean => KEY_SHAPE.test(candidate);

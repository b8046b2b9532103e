import { createHash } from 'node:crypto';
import { hashKey, looksLikeKey, newKeyMaterial } from './api-key-material';

describe(newKeyMaterial.name, () => {
  it('makes a 256-bit key whose public id is readable off the key, and stores only its SHA-256', () => {
    const sut = newKeyMaterial();
    expect(sut.key).toMatch(/^arb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(sut.id).toBe(`ak_${sut.key.slice(4, 16)}`);
    expect(sut.hash).toBe(createHash('sha256').update(sut.key).digest('hex'));
    expect(hashKey(sut.key)).toBe(sut.hash);
    expect(looksLikeKey(sut.key)).toBe(true);
  });

  it('never repeats', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newKeyMaterial().key));
    expect(keys.size).toBe(1000);
  });

  it.each(['', 'arb_', 'Bearer arb_0123456789ab_x', `arb_0123456789AB_${'a'.repeat(43)}`, `arb_0123456789ab_${'a'.repeat(42)}`])('does not take %p for a key', (candidate) => {
    expect(looksLikeKey(candidate)).toBe(false);
  });
});

import { randomBytes } from 'node:crypto';
import { TokenCipher, TokenDecryptionError } from './token-cipher';

const key = () => randomBytes(32);

describe(TokenCipher.name, () => {
  const k1 = key();
  const sut = new TokenCipher({ id: 'k1', key: k1 });
  const aad = 'qbo_connection:123:refresh_token';

  it('round-trips a token', () => {
    const sealed = sut.encrypt('AB11570127472xkApQcsuqTXgmXTmslIuWq7qhxlcMWHfC', aad);

    expect(sealed).toMatch(/^v1:k1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(sealed).not.toContain('AB1157');
    expect(sut.decrypt(sealed, aad)).toBe('AB11570127472xkApQcsuqTXgmXTmslIuWq7qhxlcMWHfC');
  });

  it('uses a fresh IV per value', () => {
    const a = sut.encrypt('same', aad);
    const b = sut.encrypt('same', aad);

    expect(a).not.toBe(b);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
  });

  it('detects a tampered ciphertext, tag or IV', () => {
    const sealed = sut.encrypt('secret-token-value', aad);
    const parts = sealed.split(':');
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] ^= 1;
      return bytes.toString('base64url');
    };

    for (const i of [2, 3, 4]) {
      const tampered = [...parts];
      tampered[i] = flip(parts[i]);
      expect(() => sut.decrypt(tampered.join(':'), aad)).toThrow(TokenDecryptionError);
    }
  });

  it('refuses a value moved to another realm or column (associated data)', () => {
    const sealed = sut.encrypt('secret-token-value', aad);

    expect(() => sut.decrypt(sealed, 'qbo_connection:999:refresh_token')).toThrow(TokenDecryptionError);
  });

  it('refuses the wrong key under the same id, without leaking the plaintext', () => {
    const sealed = sut.encrypt('secret-token-value', aad);
    const other = new TokenCipher({ id: 'k1', key: key() });

    expect(() => other.decrypt(sealed, aad)).toThrow(/failed authentication/);
    expect(() => other.decrypt(sealed, aad)).not.toThrow(/secret-token-value/);
  });

  it('rotates: new values use the new key, old ones stay readable', () => {
    const oldSealed = sut.encrypt('old-token', aad);
    const rotated = new TokenCipher({ id: 'k2', key: key() }, [{ id: 'k1', key: k1 }]);
    const newSealed = rotated.encrypt('new-token', aad);

    expect(rotated.decrypt(oldSealed, aad)).toBe('old-token');
    expect(rotated.isSealedWithOldKey(oldSealed)).toBe(true);
    expect(newSealed.startsWith('v1:k2:')).toBe(true);
    expect(() => sut.decrypt(newSealed, aad)).toThrow(/unknown key id "k2"/);
  });

  it('refuses garbage and truncated values', () => {
    expect(() => sut.decrypt('plaintext', aad)).toThrow(TokenDecryptionError);
    expect(() => sut.decrypt('v1:k1:AAAA:BBBB:CCCC', aad)).toThrow(/truncated/);
  });

  it('takes a base64 key from config and insists on 32 bytes', () => {
    const b64 = k1.toString('base64');

    expect(TokenCipher.fromBase64(b64).decrypt(sut.encrypt('x', aad), aad)).toBe('x');
    expect(() => TokenCipher.fromBase64(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => TokenCipher.fromBase64('not base64!')).toThrow(/not base64/);
    expect(() => new TokenCipher({ id: 'bad id', key: k1 })).toThrow(RangeError);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96-bit IV, the size GCM is specified for; random per value, so one key can seal ~2^32 values safely. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Decryption failed: wrong key, unknown key id, tampered or truncated value. Never carries key or plaintext. */
export class TokenDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptionError';
  }
}

export interface TokenCipherKey {
  /** Short id stored in front of every sealed value so keys can rotate ([A-Za-z0-9_-], ≤ 32). */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/**
 * AES-256-GCM for tokens at rest. A sealed value reads `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts).
 * New values use the current key; older key ids stay readable while listed in `previous`, and a value
 * sealed with an old key is re-sealed with the current one the next time it is saved.
 * The associated data binds a value to where it belongs (realm and field), so a ciphertext copied to
 * another row or column fails to decrypt.
 */
export class TokenCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(current: TokenCipherKey, previous: TokenCipherKey[] = []) {
    for (const k of [current, ...previous]) {
      if (!KEY_ID.test(k.id)) throw new RangeError(`token key id must match ${KEY_ID}`);
      if (k.key.length !== KEY_BYTES) throw new RangeError(`token key "${k.id}" must be ${KEY_BYTES} bytes, got ${k.key.length}`);
      if (this.keys.has(k.id)) throw new RangeError(`token key id "${k.id}" is listed twice`);
      this.keys.set(k.id, Buffer.from(k.key));
    }
    this.currentKeyId = current.id;
  }

  /**
   * Builds a cipher from base64 config (`TOKEN_ENCRYPTION_KEY`), with optional previous keys as `id:base64` pairs.
   * @throws RangeError when a key does not decode to exactly 32 bytes.
   */
  static fromBase64(currentKeyBase64: string, options: { keyId?: string; previous?: Record<string, string> } = {}): TokenCipher {
    const decode = (b64: string, id: string) => {
      const trimmed = b64.trim();
      if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new RangeError(`token key "${id}" is not base64`);
      return Buffer.from(trimmed, 'base64');
    };
    const id = options.keyId ?? 'k1';
    const previous = Object.entries(options.previous ?? {}).map(([pid, b64]) => ({ id: pid, key: decode(b64, pid) }));
    return new TokenCipher({ id, key: decode(currentKeyBase64, id) }, previous);
  }

  /** Seals `plaintext`; `aad` must be given again, identically, to open it. */
  encrypt(plaintext: string, aad: string): string {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT_VERSION, this.currentKeyId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
  }

  /**
   * Opens a sealed value.
   * @throws TokenDecryptionError for an unknown format or key id, a wrong key, other `aad`, or any tampering.
   */
  decrypt(sealed: string, aad: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) throw new TokenDecryptionError('sealed token has an unknown format');
    const [, keyId, ivText, tagText, ctText] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new TokenDecryptionError(`sealed token uses unknown key id "${keyId}"`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new TokenDecryptionError('sealed token is truncated');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenDecryptionError(`sealed token failed authentication (wrong key "${keyId}" or tampered value)`);
    }
  }

  /** True when the value was sealed with a key other than the current one. */
  isSealedWithOldKey(sealed: string): boolean {
    return sealed.split(':')[1] !== this.currentKeyId;
  }
}

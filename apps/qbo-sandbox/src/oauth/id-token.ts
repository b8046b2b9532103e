import { KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';

/** intuit-oauth's validateIdToken() checks this exact issuer (reference §11.5). */
export const INTUIT_ISSUER = 'https://oauth.platform.intuit.com/op/v1';

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Base64url of a JSON object whose text contains no "-" or "_": intuit-oauth decodes id_token
 * segments with `atob`, which rejects those two characters. Spaces inside JSON are insignificant,
 * so a few leading spaces move the bit alignment until the encoding is plain base64 as well.
 */
function jsonSegment(value: Record<string, unknown>): string {
  const json = JSON.stringify(value);
  for (let pad = 0; pad < 64; pad += 1) {
    const encoded = b64url(`{${' '.repeat(pad)}${json.slice(1)}`);
    if (!/[-_]/.test(encoded)) return encoded;
  }
  return b64url(json);
}

/**
 * Signs OpenID Connect id_tokens (RS256) and publishes the key as a JWKS. The key pair is made on
 * first use (≈100 ms) and lives for the process, like a signing key between rotations.
 */
export class IdTokenSigner {
  private keys?: { privateKey: KeyObject; publicKey: KeyObject; kid: string };

  private keyPair() {
    if (!this.keys) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const kid = createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
      this.keys = { privateKey, publicKey, kid };
    }
    return this.keys;
  }

  sign(claims: Record<string, unknown>): string {
    const { privateKey, kid } = this.keyPair();
    const header = jsonSegment({ alg: 'RS256', kid, typ: 'JWT' });
    const payload = jsonSegment({ iss: INTUIT_ISSUER, ...claims });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const { publicKey, kid } = this.keyPair();
    const jwk = publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', e: jwk.e, n: jwk.n, use: 'sig', alg: 'RS256', kid }] };
  }
}

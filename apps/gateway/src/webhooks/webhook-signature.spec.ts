import { createHmac } from 'node:crypto';
import { signIntuitPayload, verifyIntuitSignature } from './webhook-signature';

describe(verifyIntuitSignature.name, () => {
  const token = 'verifier';
  const body = Buffer.from('{"eventNotifications":[{"realmId":"1185883450"}]}');
  const good = createHmac('sha256', token).update(body).digest('base64');

  it('accepts base64(HMAC-SHA256(verifier token, raw body))', () => {
    expect(verifyIntuitSignature(body, good, token)).toBe(true);
    expect(signIntuitPayload(body, token)).toBe(good);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another token', createHmac('sha256', 'other').update(body).digest('base64')],
    ['hex instead of base64', createHmac('sha256', token).update(body).digest('hex')],
    ['truncated', good.slice(0, 40)],
    ['one character changed', (good[0] === 'A' ? 'B' : 'A') + good.slice(1)],
  ])('refuses a signature that is %s', (_what, signature) => {
    expect(verifyIntuitSignature(body, signature, token)).toBe(false);
  });

  it('refuses the signature of a re-serialised body', () => {
    const spaced = Buffer.from('{ "a": 1 }');
    expect(verifyIntuitSignature(spaced, signIntuitPayload(JSON.stringify({ a: 1 }), token), token)).toBe(false);
  });
});

import { randomBytes } from 'node:crypto';
import { parseQboSettings, QboConfigError } from './qbo-client-config';

const key = randomBytes(32).toString('base64');
const valid = {
  QBO_API_BASE_URL: 'http://127.0.0.1:4010',
  QBO_OAUTH_BASE_URL: 'http://127.0.0.1:4010/',
  QBO_CLIENT_ID: 'client',
  QBO_CLIENT_SECRET: 'secret',
  QBO_REDIRECT_URI: 'http://localhost:3000/api/v1/qbo/callback',
  TOKEN_ENCRYPTION_KEY: key,
};

describe(parseQboSettings.name, () => {
  it('builds settings with defaults', () => {
    const sut = parseQboSettings(valid);

    expect(sut.apiBaseUrl).toBe('http://127.0.0.1:4010');
    expect(sut.minorVersion).toBe(75);
    expect(sut.oauth).toEqual({
      clientId: 'client',
      clientSecret: 'secret',
      redirectUri: 'http://localhost:3000/api/v1/qbo/callback',
      environment: 'production',
      oauthBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(sut.limits).toEqual({ maxRequestsPerWindow: 500, windowMs: 60_000, maxInFlight: 10, batchCountsItems: true });
    expect(sut.tokenCipher.currentKeyId).toBe('k1');
  });

  it('lists every problem at once and never echoes a secret', () => {
    let error: QboConfigError | undefined;
    try {
      parseQboSettings({ QBO_CLIENT_SECRET: 'hunter2', TOKEN_ENCRYPTION_KEY: randomBytes(16).toString('base64'), QBO_MAX_IN_FLIGHT: '0' });
    } catch (e) {
      error = e as QboConfigError;
    }

    expect(error).toBeInstanceOf(QboConfigError);
    expect(error?.problems).toEqual([
      'QBO_CLIENT_ID is required',
      'QBO_REDIRECT_URI is required',
      'QBO_MAX_IN_FLIGHT must be a positive integer',
      'TOKEN_ENCRYPTION_KEY: token key "k1" must be 32 bytes, got 16',
    ]);
    expect(error?.message).not.toContain('hunter2');
  });

  it('lets a batch count as one request (QBO_LIMIT_BATCH_COUNTS_ITEMS=false) and rejects anything but true/false', () => {
    expect(parseQboSettings({ ...valid, QBO_LIMIT_BATCH_COUNTS_ITEMS: 'false' }).limits.batchCountsItems).toBe(false);
    expect(() => parseQboSettings({ ...valid, QBO_LIMIT_BATCH_COUNTS_ITEMS: 'yes' })).toThrow('QBO_LIMIT_BATCH_COUNTS_ITEMS must be true or false');
  });

  it('accepts previous keys for rotation', () => {
    const sut = parseQboSettings({ ...valid, TOKEN_ENCRYPTION_KEY_ID: 'k2', TOKEN_ENCRYPTION_PREVIOUS_KEYS: `k1:${randomBytes(32).toString('base64')}` });

    expect(sut.tokenCipher.currentKeyId).toBe('k2');
  });
});

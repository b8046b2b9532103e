import { ZodError } from 'zod';
import { loadSandboxConfig } from './config';

const base = { QBO_CLIENT_ID: 'id', QBO_CLIENT_SECRET: 'secret', QBO_REDIRECT_URI: 'http://127.0.0.1:3000/oauth/quickbooks/callback' };

describe(loadSandboxConfig.name, () => {
  it('applies the documented defaults', () => {
    const sut = loadSandboxConfig(base);
    expect(sut.port).toBe(4010);
    expect(sut.limits).toMatchObject({ enabled: true, requestsPerMinute: 500, maxInFlight: 10, batchMaxItems: 30 });
    expect(sut.oauth).toMatchObject({ accessTokenTtlSeconds: 3600, refreshRotationSeconds: 86400, refreshGraceSeconds: 86400 });
    expect(sut.webhooks).toMatchObject({ format: 'legacy', retryScheduleMs: [10000, 20000, 30000, 300000, 1200000, 7200000, 14400000, 21600000] });
  });

  it('reads the port from QBO_SANDBOX_PORT, else PORT; splits the redirect allow-list', () => {
    expect(loadSandboxConfig({ ...base, PORT: '5000' }).port).toBe(5000);
    expect(loadSandboxConfig({ ...base, PORT: '5000', QBO_SANDBOX_PORT: '4999' }).port).toBe(4999);
    const sut = loadSandboxConfig({ ...base, QBO_REDIRECT_URI: 'http://a.test/cb, http://b.test/cb', QBO_WEBHOOK_FORMAT: 'cloudevents', QBO_LIMITS_ENABLED: 'false' });
    expect(sut.oauth.redirectUris).toEqual(['http://a.test/cb', 'http://b.test/cb']);
    expect(sut.webhooks.format).toBe('cloudevents');
    expect(sut.limits.enabled).toBe(false);
  });

  it('lists every bad key at once', () => {
    try {
      loadSandboxConfig({ QBO_REDIRECT_URI: 'not a url', QBO_WEBHOOK_URL: 'http://127.0.0.1:1/hook', QBO_LIMIT_MAX_IN_FLIGHT: '-1' });
      throw new Error('expected a ZodError');
    } catch (e) {
      expect(e).toBeInstanceOf(ZodError);
      const keys = (e as ZodError).issues.map((i) => String(i.path[0]));
      expect(keys).toEqual(expect.arrayContaining(['QBO_CLIENT_ID', 'QBO_CLIENT_SECRET', 'QBO_REDIRECT_URI', 'QBO_LIMIT_MAX_IN_FLIGHT']));
    }
    expect(() => loadSandboxConfig({ ...base, QBO_WEBHOOK_URL: 'http://127.0.0.1:1/hook' })).toThrow(/QBO_WEBHOOK_VERIFIER_TOKEN|required when/);
  });
});

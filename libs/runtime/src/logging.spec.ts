import { stripQuerySecrets, REDACTED_PATHS } from './logging';

describe(stripQuerySecrets.name, () => {
  it('removes OAuth codes, states and tokens from logged URLs and keeps the rest', () => {
    expect(stripQuerySecrets('/oauth/quickbooks/callback?code=AB12&state=xyz&realmId=9130')).toBe(
      '/oauth/quickbooks/callback?code=[redacted]&state=[redacted]&realmId=9130',
    );
    expect(stripQuerySecrets('/api/v1/problems?status=open')).toBe('/api/v1/problems?status=open');
  });

  it('redacts the authorization header and token fields in every log line', () => {
    expect(REDACTED_PATHS).toEqual(expect.arrayContaining(['req.headers.authorization', '*.access_token', '*.refresh_token', '*.clientSecret']));
  });
});

import OAuthClient from 'intuit-oauth';
import { AnyJson, CLIENT_ID, CLIENT_SECRET, Harness, REDIRECT_URI, startSandbox } from './sandbox-harness';

type Statics = {
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
  userinfo_endpoint_sandbox: string;
  jwks_uri: string;
  sandboxBase: string;
  maxRetries: number;
};

/**
 * intuit-oauth's endpoints are process-global statics (reference/local-infra.md §5): point them at
 * the sandbox for this file and put them back afterwards.
 */
describe('OAuth 2 with the real intuit-oauth 4.2.5 client (HTTP)', () => {
  let h: Harness;
  let saved: Statics;

  const newClient = (options: Record<string, unknown> = {}) => {
    const client = new OAuthClient({ environment: 'sandbox', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, logging: false, ...options });
    client.setAuthorizeURLs({
      authorizeEndpoint: `${h.baseUrl}/connect/oauth2`,
      tokenEndpoint: `${h.baseUrl}/oauth2/v1/tokens/bearer`,
      revokeEndpoint: `${h.baseUrl}/v2/oauth2/tokens/revoke`,
      userInfoEndpoint: `${h.baseUrl}/v1/openid_connect/userinfo`,
    });
    return client;
  };

  /** Follows the consent redirect (automatic in the sandbox) and returns the callback URL. */
  const consent = async (client: OAuthClient, scope: string[] = [OAuthClient.scopes.Accounting]) => {
    const res = await fetch(client.authorizeUri({ scope, state: 'csrf-123' }), { redirect: 'manual' });
    expect(res.status).toBe(302);
    return res.headers.get('location') as string;
  };

  const companyInfo = (token: string, realmId: string) =>
    fetch(`${h.baseUrl}/v3/company/${realmId}/companyinfo/${realmId}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });

  const oauthErrorOf = async (p: Promise<unknown>): Promise<{ error?: string }> => {
    try {
      await p;
    } catch (e) {
      return e as { error?: string };
    }
    throw new Error('expected the call to fail');
  };

  beforeAll(async () => {
    h = await startSandbox();
    saved = {
      authorizeEndpoint: OAuthClient.authorizeEndpoint,
      tokenEndpoint: OAuthClient.tokenEndpoint,
      revokeEndpoint: OAuthClient.revokeEndpoint,
      userinfo_endpoint_sandbox: OAuthClient.userinfo_endpoint_sandbox,
      jwks_uri: OAuthClient.jwks_uri,
      sandboxBase: OAuthClient.environment.sandbox,
      maxRetries: OAuthClient.retryConfig.maxRetries,
    };
    OAuthClient.retryConfig.maxRetries = 0;
    OAuthClient.jwks_uri = `${h.baseUrl}/op/v1/jwks`;
    OAuthClient.environment.sandbox = `${h.baseUrl}/`;
  });

  afterAll(async () => {
    OAuthClient.authorizeEndpoint = saved.authorizeEndpoint;
    OAuthClient.tokenEndpoint = saved.tokenEndpoint;
    OAuthClient.revokeEndpoint = saved.revokeEndpoint;
    OAuthClient.userinfo_endpoint_sandbox = saved.userinfo_endpoint_sandbox;
    OAuthClient.jwks_uri = saved.jwks_uri;
    OAuthClient.environment.sandbox = saved.sandboxBase;
    OAuthClient.retryConfig.maxRetries = saved.maxRetries;
    await h.close();
  });

  afterEach(async () => {
    await h.control('PUT', '/oauth', { accessTokenTtlSeconds: 3600, refreshRotationSeconds: 86400, refreshGraceSeconds: 86400 });
    await h.control('POST', '/clock', { reset: true });
  });

  it('authorize → code → token → API → refresh rotation → old refresh token invalid_grant → revoke → 401', async () => {
    await h.control('PUT', '/oauth', { refreshRotationSeconds: 0, refreshGraceSeconds: 0 });
    const client = newClient();
    const callback = await consent(client, [OAuthClient.scopes.Accounting, OAuthClient.scopes.OpenId, OAuthClient.scopes.Email]);
    const cb = new URL(callback);
    expect(`${cb.origin}${cb.pathname}`).toBe(REDIRECT_URI);
    expect(cb.searchParams.get('state')).toBe('csrf-123');
    expect(cb.searchParams.get('code')).toBeTruthy();
    const realmId = cb.searchParams.get('realmId') as string;
    expect(realmId).toBe(h.realmId);

    const created = await client.createToken(callback);
    const token = created.getJson();
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(client.getToken().realmId).toBe(realmId);
    expect(client.isAccessTokenValid()).toBe(true);
    await expect(client.validateIdToken()).resolves.toBe(true);
    const userinfo = await client.getUserInfo();
    expect(userinfo.getJson()).toMatchObject({ email: expect.any(String), sub: expect.any(String) });

    const api = await client.makeApiCall({ url: `${h.baseUrl}/v3/company/${realmId}/companyinfo/${realmId}` });
    expect(api.status).toBe(200);
    expect(api.json.CompanyInfo.Id).toBe('1');

    const firstRefresh = token.refresh_token as string;
    const refreshed = await client.refresh();
    const rotated = refreshed.getJson().refresh_token as string;
    expect(rotated).not.toBe(firstRefresh);
    expect(client.getToken().refresh_token).toBe(rotated);
    const stale = await oauthErrorOf(client.refreshUsingToken(firstRefresh));
    expect(stale.error).toBe('invalid_grant');
    // the client still holds the rotated token, which works
    await client.refreshUsingToken(rotated);
    const latestAccess = client.getToken().access_token;
    expect((await companyInfo(latestAccess, realmId)).status).toBe(200);

    await client.revoke({ refresh_token: client.getToken().refresh_token });
    const afterRevoke = await companyInfo(latestAccess, realmId);
    expect(afterRevoke.status).toBe(401);
    const body = (await afterRevoke.json()) as AnyJson;
    expect(body.fault.error[0].code).toBe('3200');
  });

  it('an expired access token → 401 AuthenticationFault 3200 in the lower-case shape; makeApiCall rejects', async () => {
    await h.control('PUT', '/oauth', { accessTokenTtlSeconds: 60 });
    const client = newClient();
    await client.createToken(await consent(client));
    const { access_token, realmId } = client.getToken();
    expect((await companyInfo(access_token, realmId)).status).toBe(200);
    await h.control('POST', '/clock', { advanceSeconds: 61 });
    const res = await companyInfo(access_token, realmId);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Intuit", error="invalid_token"');
    const body = (await res.json()) as AnyJson;
    expect(body.fault).toEqual({
      error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail: expect.stringMatching(/^Token expired: /), code: '3200', element: null }],
      type: 'AUTHENTICATION',
    });
    expect(typeof body.time).toBe('number');
    await expect(client.makeApiCall({ url: `${h.baseUrl}/v3/company/${realmId}/companyinfo/${realmId}` })).rejects.toMatchObject({ code: '401' });
    // refreshing gets a working token again
    await client.refresh();
    expect((await companyInfo(client.getToken().access_token, realmId)).status).toBe(200);
  });

  it('default rotation: same refresh token within 24 h; a new one after; the old one works 24 h more, then invalid_grant', async () => {
    const client = newClient({ includeRefreshTokenHardExpiresIn: true });
    const created = (await client.createToken(await consent(client))).getJson();
    expect(created.x_refresh_token_hard_expires_in).toBeGreaterThan(157_000_000);
    const original = created.refresh_token as string;
    expect((await client.refresh()).getJson().refresh_token).toBe(original);

    await h.control('POST', '/clock', { advanceSeconds: 25 * 3600 });
    const rotated = (await client.refresh()).getJson().refresh_token as string;
    expect(rotated).not.toBe(original);
    // within the grace period the previous token still refreshes (and answers with the current one)
    expect((await client.refreshUsingToken(original)).getJson().refresh_token).toBe(rotated);

    await h.control('POST', '/clock', { advanceSeconds: 25 * 3600 });
    expect((await oauthErrorOf(client.refreshUsingToken(original))).error).toBe('invalid_grant');
  });

  it('an authorization code works once; a second exchange fails and revokes what the first issued', async () => {
    const client = newClient();
    const callback = await consent(client);
    await client.createToken(callback);
    const access = client.getToken().access_token;
    const second = newClient();
    expect((await oauthErrorOf(second.createToken(callback))).error).toBe('invalid_grant');
    expect((await companyInfo(access, h.realmId)).status).toBe(401);
  });

  it('authorize validates client_id, redirect_uri, scope, state and response_type', async () => {
    const base = `${h.baseUrl}/connect/oauth2`;
    const q = (params: Record<string, string>) => fetch(`${base}?${new URLSearchParams(params)}`, { redirect: 'manual' });
    const good = { client_id: CLIENT_ID, response_type: 'code', scope: 'com.intuit.quickbooks.accounting', redirect_uri: REDIRECT_URI, state: 's' };
    expect((await q({ ...good, client_id: 'nope' })).status).toBe(400);
    expect((await q({ ...good, redirect_uri: 'http://127.0.0.1:9/elsewhere' })).status).toBe(400);
    const badScope = await q({ ...good, scope: 'com.intuit.quickbooks.everything' });
    expect(badScope.status).toBe(302);
    expect(new URL(badScope.headers.get('location') as string).searchParams.get('error')).toBe('invalid_scope');
    const noState = await q({ ...good, state: '' });
    expect(new URL(noState.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request');
    const token = await q({ ...good, response_type: 'token' });
    expect(new URL(token.headers.get('location') as string).searchParams.get('error')).toBe('unsupported_response_type');
    const other = await q({ ...good, realmId: '123456789' });
    expect(new URL(other.headers.get('location') as string).searchParams.get('realmId')).toBe('123456789');
  });

  it('the token endpoint wants HTTP Basic client auth; revoke accepts JSON and form bodies', async () => {
    const bad = await fetch(`${h.baseUrl}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x',
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_client' });
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    const unsupported = await fetch(`${h.baseUrl}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    expect(((await unsupported.json()) as AnyJson).error).toBe('unsupported_grant_type');
    const minted = await h.control('POST', `/realms/${h.realmId}/tokens`, {});
    const form = await fetch(`${h.baseUrl}/v2/oauth2/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${minted.json.access_token}`,
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toBe('');
    expect((await companyInfo(minted.json.access_token, h.realmId)).status).toBe(401);
  });

  it('expiring all tokens from the control surface makes the API answer 401 until a refresh', async () => {
    const client = newClient();
    await client.createToken(await consent(client));
    const { access_token, realmId } = client.getToken();
    const expired = await h.control('POST', '/tokens/expire', {});
    expect(expired.json.expired).toBeGreaterThan(0);
    expect((await companyInfo(access_token, realmId)).status).toBe(401);
    await client.refresh();
    expect((await companyInfo(client.getToken().access_token, realmId)).status).toBe(200);
  });
});

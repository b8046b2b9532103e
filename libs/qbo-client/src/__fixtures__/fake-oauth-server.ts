import { fixtureText, sendJson, startFakeServer, type FakeServer } from './fake-http-server';

export interface FakeOAuthServer extends FakeServer {
  /** Refresh-grant calls received. */
  refreshCalls: number;
  codeCalls: number;
  revoked: string[];
  /** The refresh token the server currently accepts (rotates on every refresh). */
  validRefreshToken: string;
  /** Answer every refresh with invalid_grant. */
  refuseRefresh: boolean;
  /** Answer the token endpoint with this status (no OAuth error body), e.g. 503. */
  failStatus?: number;
  /** Delay before answering a refresh, milliseconds (widens race windows). */
  refreshDelayMs: number;
}

export const FAKE_CLIENT_ID = 'client-id-1';
export const FAKE_CLIENT_SECRET = 'client-secret-1';

/** Intuit's token and revoke endpoints, as intuit-oauth calls them (Basic auth, form body; revoke JSON). */
export async function startFakeOAuthServer(): Promise<FakeOAuthServer> {
  const state = { refreshCalls: 0, codeCalls: 0, revoked: [] as string[], validRefreshToken: 'rt-0', refuseRefresh: false, failStatus: undefined as number | undefined, refreshDelayMs: 30 };
  let generation = 0;
  const issue = () => {
    generation++;
    state.validRefreshToken = `rt-${generation}`;
    const base = JSON.parse(fixtureText('oauth-token-response.json')) as Record<string, unknown>;
    return JSON.stringify({ ...base, access_token: `at-${generation}`, refresh_token: state.validRefreshToken });
  };
  const server = await startFakeServer(async (req, res) => {
    const basic = Buffer.from(`${FAKE_CLIENT_ID}:${FAKE_CLIENT_SECRET}`).toString('base64');
    if (req.headers.authorization !== `Basic ${basic}`) return sendJson(res, 401, '{"error":"invalid_client"}');
    if (req.url.pathname === '/v2/oauth2/tokens/revoke') {
      state.revoked.push((JSON.parse(req.body) as { token: string }).token);
      res.writeHead(200);
      return void res.end();
    }
    if (req.url.pathname !== '/oauth2/v1/tokens/bearer') return sendJson(res, 404, '{}');
    const form = new URLSearchParams(req.body);
    if (state.failStatus) return sendJson(res, state.failStatus, '');
    if (form.get('grant_type') === 'authorization_code') {
      state.codeCalls++;
      if (form.get('code') !== 'good-code') return sendJson(res, 400, fixtureText('oauth-invalid-grant.json'));
      return sendJson(res, 200, issue());
    }
    state.refreshCalls++;
    await new Promise((resolve) => setTimeout(resolve, state.refreshDelayMs));
    if (state.refuseRefresh || form.get('refresh_token') !== state.validRefreshToken) {
      return sendJson(res, 400, fixtureText('oauth-invalid-grant.json'));
    }
    return sendJson(res, 200, issue());
  });
  return Object.assign(state, server);
}

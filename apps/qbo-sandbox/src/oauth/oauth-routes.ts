import { ServerResponse } from 'node:http';
import { SandboxRequest, intuitTid, readBodyText, sendJson, sendText } from '../http/http-io';
import { isJsonObject, parseExactJson } from '../json/exact-json';
import type { SandboxServices } from '../sandbox';
import { OAuthResult } from './oauth-server';

/** Intuit's OAuth paths (reference §11.1), served on the sandbox's own host. */
export const OAUTH_PATHS = {
  authorize: '/connect/oauth2',
  token: '/oauth2/v1/tokens/bearer',
  revoke: '/v2/oauth2/tokens/revoke',
  userinfo: '/v1/openid_connect/userinfo',
  jwks: '/op/v1/jwks',
  discovery: ['/.well-known/openid_configuration', '/.well-known/openid_sandbox_configuration'],
} as const;

export function isOAuthPath(pathname: string): boolean {
  const p = pathname.replace(/\/+$/, '');
  return (
    p === OAUTH_PATHS.authorize ||
    p === OAUTH_PATHS.token ||
    p === OAUTH_PATHS.revoke ||
    p === OAUTH_PATHS.userinfo ||
    p === OAUTH_PATHS.jwks ||
    (OAUTH_PATHS.discovery as readonly string[]).includes(p)
  );
}

/** Form (what intuit-oauth sends for tokens) or JSON (what it sends for revoke) → parameters. */
function formParams(text: string, contentType: string | undefined): URLSearchParams {
  if (/json/i.test(contentType ?? '') || text.trim().startsWith('{')) {
    try {
      const parsed = parseExactJson(text);
      const params = new URLSearchParams();
      if (isJsonObject(parsed)) for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') params.set(k, v);
      return params;
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

export class OAuthRoutes {
  constructor(private readonly s: SandboxServices) {}

  async handle(req: SandboxRequest, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;

    if (path === OAUTH_PATHS.authorize && method === 'GET') {
      // Non-standard `realmId` picks the company to connect (consent is automatic); default otherwise.
      const realmId = url.searchParams.get('realmId') ?? this.s.config.defaultRealmId;
      const result = this.s.oauth.authorize(url.searchParams, realmId);
      if ('redirect' in result) {
        this.s.store.getOrCreate(realmId);
        res.statusCode = 302;
        res.setHeader('location', result.redirect);
        res.end();
        return;
      }
      return this.send(res, result);
    }
    if (path === OAUTH_PATHS.token && method === 'POST') {
      const form = formParams(await readBodyText(req), req.headers['content-type']);
      const hard = String(req.headers['x-include-refresh-token-hard-expires-in'] ?? '').toLowerCase() === 'true';
      return this.send(res, this.s.oauth.token(req.headers['authorization'], form, hard));
    }
    if (path === OAUTH_PATHS.revoke && method === 'POST') {
      const form = formParams(await readBodyText(req), req.headers['content-type']);
      return this.send(res, this.s.oauth.revoke(req.headers['authorization'], form.get('token') ?? undefined));
    }
    if (path === OAUTH_PATHS.userinfo && method === 'GET') return this.send(res, this.s.oauth.userinfo(req.headers['authorization']));
    if (path === OAUTH_PATHS.jwks && method === 'GET') return sendJson(res, 200, this.s.idTokens.jwks());
    if ((OAUTH_PATHS.discovery as readonly string[]).includes(path) && method === 'GET') {
      return sendJson(res, 200, {
        issuer: 'https://oauth.platform.intuit.com/op/v1',
        authorization_endpoint: `${base}${OAUTH_PATHS.authorize}`,
        token_endpoint: `${base}${OAUTH_PATHS.token}`,
        userinfo_endpoint: `${base}${OAUTH_PATHS.userinfo}`,
        revocation_endpoint: `${base}${OAUTH_PATHS.revoke}`,
        jwks_uri: `${base}${OAUTH_PATHS.jwks}`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
      });
    }
    sendJson(res, 405, { error: 'invalid_request', error_description: `${method} is not supported on ${path}` });
  }

  private send(res: ServerResponse, result: OAuthResult): void {
    const headers = { 'cache-control': 'no-store', intuit_tid: intuitTid(), ...result.headers };
    // Revoke answers 200 with an empty body (reference §11.2).
    if (result.body === undefined) return sendText(res, result.status, '', 'text/plain', headers);
    sendJson(res, result.status, result.body, headers);
  }
}

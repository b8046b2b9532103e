import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../clock';
import { SandboxConfig } from '../config';
import { IdTokenSigner } from './id-token';

/** Scopes Intuit knows (reference §11.3 and intuit-oauth's OAuthClient.scopes). */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  'com.intuit.quickbooks.accounting',
  'com.intuit.quickbooks.payment',
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'payroll.compensation.read',
  'project-management.project',
  'app-foundations.custom-dimensions.read',
  'app-foundations.custom-field-definitions',
  'time-tracking.time-entry',
  'indirect-tax.tax-calculation.quickbooks',
]);

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

/** One app's connection to one company: created by an authorization code, ended by revoke. */
interface Grant {
  id: string;
  clientId: string;
  realmId: string;
  scopes: string[];
  refreshToken: string;
  /** When the current refresh token was issued (rotation is measured from here). */
  refreshIssuedAtMs: number;
  /** The token the last rotation replaced; still accepted until validUntilMs. */
  previous?: { token: string; validUntilMs: number };
  /** Rolling expiry, extended on every use, never beyond hardExpiresAtMs. */
  refreshExpiresAtMs: number;
  hardExpiresAtMs: number;
  revoked: boolean;
  accessTokens: Set<string>;
}

export interface AccessTokenInfo {
  token: string;
  grantId: string;
  realmId: string;
  clientId: string;
  scopes: string[];
  expiresAtMs: number;
}

interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  realmId: string;
  scopes: string[];
  expiresAtMs: number;
  /** Set once exchanged: a second exchange revokes what the first one issued (reference §11.2). */
  grantId?: string;
}

export interface OAuthResult {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type AuthenticateResult =
  | { ok: true; token: AccessTokenInfo }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'invalid'; presented?: string };

const oauthError = (status: number, error: string, description?: string): OAuthResult => ({
  status,
  body: description ? { error, error_description: description } : { error },
});

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

/**
 * Intuit's OAuth 2 authorization server, in memory: authorization codes (single use), access
 * tokens (1 h by default) and refresh tokens that rotate. Rotation follows reference §11.4: a
 * refresh within `refreshRotationSeconds` of the last rotation returns the same refresh token; a
 * later one issues a new token, and the replaced one keeps working for `refreshGraceSeconds`
 * ("previous refresh tokens expire 24 hours after you receive a new one"), then → invalid_grant.
 */
export class OAuthServer {
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly refreshIndex = new Map<string, string>();
  private readonly accessTokens = new Map<string, AccessTokenInfo>();
  private settings: SandboxConfig['oauth'];

  constructor(
    settings: SandboxConfig['oauth'],
    private readonly clock: Clock,
    private readonly idTokens: IdTokenSigner,
  ) {
    this.settings = { ...settings };
  }

  get currentSettings(): SandboxConfig['oauth'] {
    return { ...this.settings, clientSecret: '***' };
  }

  configure(partial: Partial<SandboxConfig['oauth']>): void {
    this.settings = { ...this.settings, ...partial };
  }

  /**
   * `GET /connect/oauth2`. Consent is automatic. Errors that make the redirect untrustworthy
   * (unknown client, redirect_uri not allowed) are answered directly with 400; the others are
   * sent to the redirect_uri as `error=…&state=…`.
   */
  authorize(q: URLSearchParams, realmId: string): { redirect: string } | OAuthResult {
    const clientId = q.get('client_id');
    const redirectUri = q.get('redirect_uri');
    if (!clientId || !this.safeEqual(clientId, this.settings.clientId)) return oauthError(400, 'invalid_client', 'Unknown client_id');
    if (!redirectUri || !this.settings.redirectUris.includes(redirectUri)) {
      return oauthError(400, 'invalid_request', 'redirect_uri is not registered for this app');
    }
    const state = q.get('state');
    const back = (params: Record<string, string>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      if (state !== null) url.searchParams.set('state', state);
      return { redirect: url.toString() };
    };
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (!state) return back({ error: 'invalid_request', error_description: 'state is required' });
    const scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return back({ error: 'invalid_scope' });

    const code = `AB11${random(48)}`;
    this.codes.set(code, {
      code,
      clientId,
      redirectUri,
      realmId,
      scopes,
      expiresAtMs: this.clock.now() + this.settings.authCodeTtlSeconds * 1000,
    });
    return back({ code, realmId });
  }

  /** `POST /oauth2/v1/tokens/bearer` (authorization_code and refresh_token grants). */
  token(authorization: string | undefined, form: URLSearchParams, includeHardExpiry: boolean): OAuthResult {
    const client = this.clientFromBasic(authorization);
    if (!client) return oauthError(401, 'invalid_client');
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') return this.exchangeCode(form, includeHardExpiry);
    if (grantType === 'refresh_token') return this.refresh(form.get('refresh_token'), includeHardExpiry);
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required');
    return oauthError(400, 'unsupported_grant_type');
  }

  /** `POST /v2/oauth2/tokens/revoke`: ends the whole connection, whichever token is sent. 200 either way (RFC 7009). */
  revoke(authorization: string | undefined, token: string | undefined): OAuthResult {
    if (!this.clientFromBasic(authorization)) return oauthError(401, 'invalid_client');
    if (!token) return oauthError(400, 'invalid_request', 'token is required');
    const grantId = this.refreshIndex.get(token) ?? this.accessTokens.get(token)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (grant && grant.clientId === this.settings.clientId) this.revokeGrant(grant);
    return { status: 200 };
  }

  /** Validates a bearer token presented to the API or userinfo. */
  authenticate(authorization: string | undefined): AuthenticateResult {
    if (!authorization) return { ok: false, reason: 'missing' };
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { ok: false, reason: 'malformed' };
    const presented = m[1];
    if (presented.length < 16 || presented.length > 4096) return { ok: false, reason: 'malformed', presented };
    const info = this.accessTokens.get(presented);
    if (!info) return { ok: false, reason: 'invalid', presented };
    const grant = this.grants.get(info.grantId);
    if (!grant || grant.revoked) return { ok: false, reason: 'invalid', presented };
    if (this.clock.now() >= info.expiresAtMs) return { ok: false, reason: 'expired', presented };
    return { ok: true, token: info };
  }

  /** `GET /v1/openid_connect/userinfo`: needs the openid scope. */
  userinfo(authorization: string | undefined): OAuthResult {
    const auth = this.authenticate(authorization);
    if (!auth.ok) return { ...oauthError(401, 'invalid_token'), headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    if (!auth.token.scopes.includes('openid')) return oauthError(403, 'insufficient_scope', 'the openid scope is required');
    const sub = this.subjectFor(auth.token.realmId);
    const info: Record<string, unknown> = { sub };
    if (auth.token.scopes.includes('email')) Object.assign(info, { email: 'sandbox.user@example.com', emailVerified: true });
    if (auth.token.scopes.includes('profile')) Object.assign(info, { givenName: 'Sandbox', familyName: 'User' });
    if (auth.token.scopes.includes('phone')) Object.assign(info, { phoneNumber: '+1 6505550100', phoneNumberVerified: false });
    if (auth.token.scopes.includes('address')) {
      Object.assign(info, { address: { streetAddress: '2600 Marine Way', locality: 'Mountain View', region: 'CA', postalCode: '94043', country: 'US' } });
    }
    return { status: 200, body: info };
  }

  /** Issues tokens for a realm without the browser dance (control surface, for tests). */
  mint(realmId: string, scopes: string[] = [ACCOUNTING_SCOPE], includeHardExpiry = false): Record<string, unknown> {
    const now = this.clock.now();
    const grant = this.newGrant(this.settings.clientId, realmId, scopes, now);
    return this.tokenResponse(grant, includeHardExpiry, now);
  }

  /** Makes every live access token (of one realm, or all) expire now. @returns how many */
  expireAccessTokens(realmId?: string): number {
    const now = this.clock.now();
    let n = 0;
    for (const info of this.accessTokens.values()) {
      if ((realmId === undefined || info.realmId === realmId) && info.expiresAtMs > now) {
        info.expiresAtMs = now;
        n += 1;
      }
    }
    return n;
  }

  /** Revokes every connection to a realm (or all). @returns how many grants */
  revokeAll(realmId?: string): number {
    let n = 0;
    for (const grant of this.grants.values()) {
      if (!grant.revoked && (realmId === undefined || grant.realmId === realmId)) {
        this.revokeGrant(grant);
        n += 1;
      }
    }
    return n;
  }

  /** True while some app holds a live (not revoked, refreshable) connection to the realm. */
  isConnected(realmId: string): boolean {
    const now = this.clock.now();
    for (const grant of this.grants.values()) {
      if (grant.realmId === realmId && !grant.revoked && grant.refreshExpiresAtMs > now) return true;
    }
    return false;
  }

  reset(): void {
    this.codes.clear();
    this.grants.clear();
    this.refreshIndex.clear();
    this.accessTokens.clear();
  }

  private exchangeCode(form: URLSearchParams, includeHardExpiry: boolean): OAuthResult {
    const code = form.get('code');
    if (!code) return oauthError(400, 'invalid_request', 'code is required');
    const entry = this.codes.get(code);
    if (!entry || this.clock.now() >= entry.expiresAtMs) return oauthError(400, 'invalid_grant', 'Invalid or expired authorization code');
    if (entry.grantId) {
      // Exchanging a code twice invalidates what it already issued (reference §11.2, oauth-jsclient#173).
      const grant = this.grants.get(entry.grantId);
      if (grant) this.revokeGrant(grant);
      return oauthError(400, 'invalid_grant', 'Authorization code already used');
    }
    if (entry.clientId !== this.settings.clientId) return oauthError(400, 'invalid_grant');
    if (form.get('redirect_uri') !== entry.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match');
    const now = this.clock.now();
    const grant = this.newGrant(entry.clientId, entry.realmId, entry.scopes, now);
    entry.grantId = grant.id;
    return { status: 200, body: this.tokenResponse(grant, includeHardExpiry, now) };
  }

  private refresh(presented: string | null, includeHardExpiry: boolean): OAuthResult {
    if (!presented) return oauthError(400, 'invalid_request', 'refresh_token is required');
    const grantId = this.refreshIndex.get(presented);
    const grant = grantId ? this.grants.get(grantId) : undefined;
    const now = this.clock.now();
    const invalid = oauthError(400, 'invalid_grant', 'Incorrect or invalid refresh token');
    if (!grant || grant.revoked || grant.clientId !== this.settings.clientId) return invalid;
    if (now >= grant.refreshExpiresAtMs || now >= grant.hardExpiresAtMs) return invalid;
    const isCurrent = presented === grant.refreshToken;
    if (!isCurrent) {
      if (!grant.previous || grant.previous.token !== presented || now >= grant.previous.validUntilMs) return invalid;
    }
    if (isCurrent && now - grant.refreshIssuedAtMs >= this.settings.refreshRotationSeconds * 1000) {
      const replaced = grant.refreshToken;
      if (grant.previous) this.refreshIndex.delete(grant.previous.token);
      grant.previous = { token: replaced, validUntilMs: now + this.settings.refreshGraceSeconds * 1000 };
      if (this.settings.refreshGraceSeconds === 0) this.refreshIndex.delete(replaced);
      grant.refreshToken = this.newRefreshToken();
      grant.refreshIssuedAtMs = now;
      this.refreshIndex.set(grant.refreshToken, grant.id);
    }
    grant.refreshExpiresAtMs = Math.min(now + this.settings.refreshTokenTtlSeconds * 1000, grant.hardExpiresAtMs);
    return { status: 200, body: this.tokenResponse(grant, includeHardExpiry, now) };
  }

  /** `now` is shared with the token response so the lifetimes it reports are exact. */
  private newGrant(clientId: string, realmId: string, scopes: string[], now: number): Grant {
    const hardExpiresAtMs = now + this.settings.refreshHardTtlSeconds * 1000;
    const grant: Grant = {
      id: random(12),
      clientId,
      realmId,
      scopes,
      refreshToken: this.newRefreshToken(),
      refreshIssuedAtMs: now,
      refreshExpiresAtMs: Math.min(now + this.settings.refreshTokenTtlSeconds * 1000, hardExpiresAtMs),
      hardExpiresAtMs,
      revoked: false,
      accessTokens: new Set(),
    };
    this.grants.set(grant.id, grant);
    this.refreshIndex.set(grant.refreshToken, grant.id);
    return grant;
  }

  private tokenResponse(grant: Grant, includeHardExpiry: boolean, now: number): Record<string, unknown> {
    const access = `eyJ${random(96)}`; // opaque; the "eyJ" prefix mimics Intuit's JWE-looking tokens
    const ttl = this.settings.accessTokenTtlSeconds;
    this.accessTokens.set(access, {
      token: access,
      grantId: grant.id,
      realmId: grant.realmId,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAtMs: now + ttl * 1000,
    });
    grant.accessTokens.add(access);
    const body: Record<string, unknown> = {
      token_type: 'bearer',
      access_token: access,
      refresh_token: grant.refreshToken,
      expires_in: ttl,
      x_refresh_token_expires_in: Math.floor((grant.refreshExpiresAtMs - now) / 1000),
    };
    if (includeHardExpiry) body['x_refresh_token_hard_expires_in'] = Math.floor((grant.hardExpiresAtMs - now) / 1000);
    if (grant.scopes.includes('openid')) {
      const iat = Math.floor(now / 1000);
      body['id_token'] = this.idTokens.sign({
        sub: this.subjectFor(grant.realmId),
        aud: [grant.clientId],
        realmid: grant.realmId,
        auth_time: iat,
        iat,
        exp: iat + 3600,
      });
    }
    return body;
  }

  private revokeGrant(grant: Grant): void {
    grant.revoked = true;
    this.refreshIndex.delete(grant.refreshToken);
    if (grant.previous) this.refreshIndex.delete(grant.previous.token);
    for (const token of grant.accessTokens) this.accessTokens.delete(token);
  }

  private newRefreshToken(): string {
    return `AB11${Math.floor(this.clock.now() / 1000)}${random(24)}`;
  }

  private clientFromBasic(authorization: string | undefined): string | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(authorization?.trim() ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    if (sep < 0) return undefined;
    const id = decoded.slice(0, sep);
    const secret = decoded.slice(sep + 1);
    return this.safeEqual(id, this.settings.clientId) && this.safeEqual(secret, this.settings.clientSecret) ? id : undefined;
  }

  private safeEqual(a: string, b: string): boolean {
    const x = createHash('sha256').update(a).digest();
    const y = createHash('sha256').update(b).digest();
    return timingSafeEqual(x, y);
  }

  /** A stable user id for the company's administrator. */
  private subjectFor(realmId: string): string {
    const h = createHash('sha256').update(`sandbox-user:${realmId}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
}

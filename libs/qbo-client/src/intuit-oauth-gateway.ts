import OAuthClient from 'intuit-oauth';

/** Intuit's own paths, appended to `oauthBaseUrl` when one is configured (the local sandbox serves them). */
export const INTUIT_OAUTH_PATHS = {
  authorize: '/connect/oauth2',
  token: '/oauth2/v1/tokens/bearer',
  revoke: '/v2/oauth2/tokens/revoke',
  userInfo: '/v1/openid_connect/userinfo',
} as const;

export interface IntuitOAuthConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: 'sandbox' | 'production';
  /**
   * `QBO_OAUTH_BASE_URL`: when set, authorize, token, revoke and userinfo all live under it
   * (e.g. `http://127.0.0.1:4010`). When absent, intuit-oauth's built-in Intuit endpoints are used.
   */
  oauthBaseUrl?: string;
  /** intuit-oauth's own retries for token calls (it waits retryDelay·2^n). See {@link applyIntuitEndpoints}. */
  retry?: { maxRetries: number; retryDelayMs: number };
  /** We stop waiting for a token call after this long, milliseconds (intuit-oauth's axios has no timeout). */
  callTimeoutMs?: number;
}

/** The fields of Intuit's token response we use. */
export interface IntuitTokenResponse {
  access_token: string;
  refresh_token: string;
  /** Seconds. */
  expires_in: number;
  /** Seconds (rolling ≈100 days). */
  x_refresh_token_expires_in?: number;
  /** Seconds to the absolute 5-year expiry, when Intuit sends it. */
  x_refresh_token_hard_expires_in?: number;
  realmId?: string;
}

/** A token endpoint refusal (`invalid_grant`, `invalid_client`, …) or a transport failure, without any token in it. */
export class IntuitOAuthError extends Error {
  constructor(
    message: string,
    /** OAuth error code (`invalid_grant`) when Intuit answered; undefined for network failures and timeouts. */
    readonly oauthError: string | undefined,
    readonly description: string | undefined,
    readonly httpStatus: number | undefined,
    readonly intuitTid: string | undefined,
  ) {
    super(message);
    this.name = 'IntuitOAuthError';
  }

  /** invalid_grant: the refresh token (or code) is dead. Retrying never helps. */
  get invalidGrant(): boolean {
    return this.oauthError === 'invalid_grant';
  }

  /** Errors worth retrying later: no answer, throttled or 5xx. */
  get transient(): boolean {
    return this.oauthError === undefined ? this.httpStatus === undefined || this.httpStatus === 429 || this.httpStatus >= 500 : false;
  }
}

/**
 * Points intuit-oauth's process-global static endpoints at `oauthBaseUrl` and sets its retry policy.
 * Called immediately before every intuit-oauth call: intuit-oauth reads the statics synchronously when it
 * builds the request, so two configurations in one process (tests, multi-environment tools) never mix.
 *
 * Retry policy: intuit-oauth retries token calls itself on ECONNREFUSED/ECONNRESET/ETIMEDOUT and
 * 408/429/5xx with 1 s·2^n by default (3 retries: 7 s). We keep 1 retry at 500 ms: a refresh holds the realm's
 * lock while it runs, and our own callers already retry transient failures with jitter. A repeated
 * refresh is harmless: Intuit returns the same refresh token within its 24 h rotation window, and the
 * previous one stays valid for 24 h after rotating.
 */
export function applyIntuitEndpoints(config: IntuitOAuthConfig): void {
  const statics = OAuthClient as unknown as {
    authorizeEndpoint: string;
    tokenEndpoint: string;
    revokeEndpoint: string;
    userinfo_endpoint_sandbox: string;
    userinfo_endpoint_production: string;
    retryConfig: { maxRetries: number; retryDelay: number; retryableStatusCodes: number[]; retryableErrors: string[] };
  };
  if (config.oauthBaseUrl) {
    const base = config.oauthBaseUrl.replace(/\/+$/, '');
    statics.authorizeEndpoint = `${base}${INTUIT_OAUTH_PATHS.authorize}`;
    statics.tokenEndpoint = `${base}${INTUIT_OAUTH_PATHS.token}`;
    statics.revokeEndpoint = `${base}${INTUIT_OAUTH_PATHS.revoke}`;
    statics.userinfo_endpoint_sandbox = `${base}${INTUIT_OAUTH_PATHS.userInfo}`;
    statics.userinfo_endpoint_production = `${base}${INTUIT_OAUTH_PATHS.userInfo}`;
  }
  statics.retryConfig = {
    maxRetries: config.retry?.maxRetries ?? 1,
    retryDelay: config.retry?.retryDelayMs ?? 500,
    retryableStatusCodes: [429, 502, 503, 504],
    retryableErrors: ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'],
  };
}

/**
 * The OAuth calls Arbiter makes, on the real `intuit-oauth` package. A fresh OAuthClient per call: the
 * package keeps token state on the instance, and sharing one across realms would leak tokens between them.
 */
export class IntuitOAuthGateway {
  constructor(private readonly config: IntuitOAuthConfig) {}

  /** The consent URL a user is redirected to. `state` must be checked on the callback. */
  authorizeUri(scopes: readonly string[], state: string): string {
    applyIntuitEndpoints(this.config);
    return this.newClient().authorizeUri({ scope: [...scopes], state });
  }

  /**
   * Exchanges the callback's authorization code (parsed from the callback URL or query string).
   * @throws IntuitOAuthError
   */
  async createToken(callbackUrlOrQuery: string): Promise<IntuitTokenResponse> {
    const client = this.newClient();
    return this.call(() => {
      applyIntuitEndpoints(this.config);
      return client.createToken(callbackUrlOrQuery);
    });
  }

  /**
   * Exchanges a refresh token. Uses `refreshUsingToken`, not `refresh()`: the latter checks a local
   * expiry computed from a `createdAt` we would have to fake (intuit/oauth-jsclient#15).
   * @throws IntuitOAuthError
   */
  async refresh(refreshToken: string): Promise<IntuitTokenResponse> {
    const client = this.newClient();
    return this.call(() => {
      applyIntuitEndpoints(this.config);
      return client.refreshUsingToken(refreshToken);
    });
  }

  /**
   * Revokes a token (revoking the refresh token ends the whole grant).
   * @throws IntuitOAuthError
   */
  async revoke(token: string): Promise<void> {
    const client = this.newClient();
    await this.call(() => {
      applyIntuitEndpoints(this.config);
      return client.revoke({ refresh_token: token });
    }, false);
  }

  private newClient(): OAuthClient {
    return new OAuthClient({
      environment: this.config.environment,
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      redirectUri: this.config.redirectUri,
      logging: false, // its logger writes request details (including tokens) to ./logs
      includeRefreshTokenHardExpiresIn: true,
    });
  }

  private async call(run: () => Promise<unknown>, expectToken = true): Promise<IntuitTokenResponse> {
    const timeoutMs = this.config.callTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new IntuitOAuthError(`Intuit OAuth call timed out after ${timeoutMs} ms`, undefined, undefined, undefined, undefined)), timeoutMs);
      timer.unref?.();
    });
    try {
      const response = (await Promise.race([run(), timeout])) as { json?: unknown; getJson?: () => unknown } | null;
      const json = (response?.json ?? response?.getJson?.() ?? undefined) as Partial<IntuitTokenResponse> | undefined;
      if (!expectToken) return json as IntuitTokenResponse;
      if (!json?.access_token || !json.refresh_token || typeof json.expires_in !== 'number') {
        throw new IntuitOAuthError('Intuit token response lacks access_token, refresh_token or expires_in', 'invalid_response', undefined, undefined, undefined);
      }
      return json as IntuitTokenResponse;
    } catch (error) {
      throw toIntuitOAuthError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Normalises intuit-oauth's wrapped errors (`e.error`, `e.error_description`, `e.authResponse`) without copying tokens. */
function toIntuitOAuthError(error: unknown): IntuitOAuthError {
  if (error instanceof IntuitOAuthError) return error;
  const e = error as {
    error?: unknown;
    error_description?: unknown;
    intuit_tid?: unknown;
    message?: unknown;
    originalMessage?: unknown;
    authResponse?: { response?: { status?: unknown } };
  };
  // The status is on the wrapped response when Intuit sent a body, else only in axios' message.
  const statusFromMessage = typeof e.originalMessage === 'string' ? /status code (\d{3})/.exec(e.originalMessage)?.[1] : undefined;
  const status = Number(e.authResponse?.response?.status ?? statusFromMessage);
  const httpStatus = Number.isInteger(status) && status > 0 ? status : undefined;
  const code = typeof e.error === 'string' && /^[a-z_]+$/.test(e.error) ? e.error : undefined;
  const description = typeof e.error_description === 'string' ? e.error_description : undefined;
  const tid = typeof e.intuit_tid === 'string' && e.intuit_tid ? e.intuit_tid : undefined;
  const message =
    code || (typeof e.originalMessage === 'string' && e.originalMessage) || (typeof e.message === 'string' && e.message) || 'Intuit OAuth call failed';
  // Only our transport-level codes count as "no answer"; an HTTP 4xx without an OAuth code is a refusal.
  return new IntuitOAuthError(`Intuit OAuth call failed: ${message}${httpStatus ? ` (status ${httpStatus})` : ''}`, code ?? (httpStatus && httpStatus < 500 && httpStatus !== 429 ? 'http_error' : undefined), description, httpStatus, tid);
}

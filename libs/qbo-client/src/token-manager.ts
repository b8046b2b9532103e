import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock, systemClock } from './clock';
import { type IntuitOAuthConfig, IntuitOAuthError, IntuitOAuthGateway, type IntuitTokenResponse } from './intuit-oauth-gateway';
import { QboAuthenticationError, QboAuthRevokedError, QboClientUsageError, QboNetworkError, QboServerError, QboTimeoutError, type QboError } from './qbo-errors';
import { type QboLogger, silentLogger } from './qbo-logger';
import type { QboConnection, TokenStore } from './token-store';

export const QBO_ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

/** What the API client needs from token management. */
export interface AccessTokenProvider {
  /**
   * A valid access token for the realm, refreshing first when it expires within the refresh margin.
   * @throws QboAuthRevokedError when the connection is missing, revoked or in `error`.
   * @throws QboNetworkError | QboServerError | QboTimeoutError when Intuit could not be reached (transient).
   */
  getAccessToken(realmId: string): Promise<string>;
  /**
   * Called after QuickBooks answered 401 with `rejectedToken`: refreshes unless someone already replaced it.
   * @throws as {@link AccessTokenProvider.getAccessToken}.
   */
  refreshAfterUnauthorized(realmId: string, rejectedToken: string): Promise<string>;
}

export interface QboTokenManagerOptions {
  oauth: IntuitOAuthConfig;
  store: TokenStore;
  clock?: Clock;
  logger?: QboLogger;
  /** Refresh this long before the access token expires, milliseconds. Default 5 minutes. */
  refreshEarlyMs?: number;
  /** Scopes requested on connect. Default accounting only. */
  scopes?: readonly string[];
  /** Injected for tests; defaults to the intuit-oauth based gateway. */
  gateway?: Pick<IntuitOAuthGateway, 'authorizeUri' | 'createToken' | 'refresh' | 'revoke'>;
}

type RefreshOutcome = { ok: true; connection: QboConnection } | { ok: false; error: QboError };

/**
 * Owns QuickBooks OAuth tokens: connect (authorize URL, code exchange), refresh ahead of expiry, revoke.
 *
 * Refresh is single-flight twice over: within the process one promise per realm is shared by every caller,
 * and across replicas the refresh runs inside the store's per-realm lock, re-reading the row first so a
 * replica that waited finds the fresh token instead of refreshing again. Intuit rotates refresh tokens; the
 * new pair is committed by the store before any caller receives the access token. `invalid_grant` moves the
 * connection to `error` with a reason and every later call fails fast with QboAuthRevokedError until the
 * company is reconnected: no retry loop against a dead grant.
 */
export class QboTokenManager implements AccessTokenProvider {
  private readonly clock: Clock;
  private readonly logger: QboLogger;
  private readonly refreshEarlyMs: number;
  private readonly scopes: readonly string[];
  private readonly gateway: NonNullable<QboTokenManagerOptions['gateway']>;
  private readonly store: TokenStore;
  /** Access tokens known good until `expiresAt` (epoch ms), so most calls skip the store. */
  private readonly cache = new Map<string, { accessToken: string; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<QboConnection>>();
  /** Codes being exchanged: a double callback must not exchange a code twice (that invalidates tokens). */
  private readonly exchanges = new Map<string, Promise<QboConnection>>();

  constructor(options: QboTokenManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.refreshEarlyMs = options.refreshEarlyMs ?? 5 * 60_000;
    this.scopes = options.scopes ?? [QBO_ACCOUNTING_SCOPE];
    this.gateway = options.gateway ?? new IntuitOAuthGateway(options.oauth);
    this.store = options.store;
  }

  /** A fresh unguessable `state` for the authorize redirect (store it in the user's session). */
  static newState(): string {
    return randomBytes(24).toString('base64url');
  }

  /** The Intuit consent URL; pass the same `state` to {@link exchangeCode}. */
  authorizeUrl(state: string = QboTokenManager.newState()): { url: string; state: string } {
    return { url: this.gateway.authorizeUri(this.scopes, state), state };
  }

  /**
   * Handles the OAuth callback: checks `state`, exchanges the code once, stores the connection as `connected`.
   * @throws QboClientUsageError when state, code or realmId is missing or state does not match.
   * @throws QboAuthRevokedError when Intuit refuses the code (`invalid_grant`: used, expired or wrong redirect).
   * @throws QboNetworkError | QboServerError | QboTimeoutError when Intuit could not be reached.
   */
  async exchangeCode(callbackUrl: string, expectedState: string): Promise<QboConnection> {
    const query = new URL(callbackUrl, 'http://callback.invalid').searchParams;
    const code = query.get('code');
    const realmId = query.get('realmId');
    const state = query.get('state') ?? '';
    if (query.get('error')) throw new QboClientUsageError(`QuickBooks consent was not given: ${query.get('error')}`);
    if (!code || !realmId) throw new QboClientUsageError('OAuth callback lacks code or realmId');
    if (!safeEqual(state, expectedState)) throw new QboClientUsageError('OAuth callback state does not match');

    const running = this.exchanges.get(code);
    if (running) return running;
    const exchange = this.runExchange(callbackUrl, realmId).finally(() => {
      // Remember the code briefly: a double callback seconds later still joins instead of re-exchanging.
      this.clock.setTimer(() => this.exchanges.delete(code), 60_000);
    });
    this.exchanges.set(code, exchange);
    return exchange;
  }

  async getAccessToken(realmId: string): Promise<string> {
    const cached = this.cache.get(realmId);
    if (cached && cached.expiresAt - this.refreshEarlyMs > this.clock.now()) return cached.accessToken;
    const connection = await this.singleFlight(realmId, undefined);
    return connection.accessToken as string;
  }

  async refreshAfterUnauthorized(realmId: string, rejectedToken: string): Promise<string> {
    this.cache.delete(realmId);
    let connection = await this.singleFlight(realmId, rejectedToken);
    // Joined a refresh that started before the 401 and decided the token was still fine: force one now.
    if (connection.accessToken === rejectedToken) connection = await this.singleFlight(realmId, rejectedToken);
    return connection.accessToken as string;
  }

  /** The stored connection without tokens (for status pages). */
  async status(realmId: string): Promise<Omit<QboConnection, 'accessToken' | 'refreshToken'> | undefined> {
    const c = await this.store.load(realmId);
    if (!c) return undefined;
    const { accessToken: _a, refreshToken: _r, ...rest } = c;
    return rest;
  }

  /**
   * Revokes the grant at Intuit and marks the connection `revoked` (tokens erased). A grant Intuit already
   * considers dead is treated as revoked.
   * @throws QboNetworkError | QboServerError | QboTimeoutError when Intuit could not be reached (nothing changed).
   */
  async revoke(realmId: string, reason = 'disconnected by Arbiter'): Promise<void> {
    this.cache.delete(realmId);
    const failure = await this.store.withRealmLock(realmId, async (tx) => {
      const current = tx.current;
      const token = current?.refreshToken ?? current?.accessToken;
      if (token) {
        try {
          await this.gateway.revoke(token);
        } catch (error) {
          const mapped = mapOAuthFailure(error, realmId);
          if (mapped.transient) return mapped;
          this.logger.warn(`revoke refused, marking revoked anyway realmId=${realmId} oauthError=${mapped.qboMessage ?? 'none'}`);
        }
      }
      await tx.save({ realmId, status: 'revoked', statusReason: reason, updatedAt: this.clock.now() });
      return undefined;
    });
    if (failure) throw failure;
    this.logger.log(`QuickBooks connection revoked realmId=${realmId}`);
  }

  private async runExchange(callbackUrl: string, realmId: string): Promise<QboConnection> {
    const startedAt = this.clock.now();
    let tokens: IntuitTokenResponse;
    try {
      tokens = await this.gateway.createToken(callbackUrl);
    } catch (error) {
      throw mapOAuthFailure(error, realmId);
    }
    const connection = this.connectionFrom(realmId, tokens, startedAt);
    await this.store.withRealmLock(realmId, (tx) => tx.save(connection));
    this.remember(connection);
    this.logger.log(`QuickBooks connected realmId=${realmId}`);
    return connection;
  }

  private singleFlight(realmId: string, rejectedToken: string | undefined): Promise<QboConnection> {
    const running = this.inflight.get(realmId);
    if (running) return running;
    const refresh = this.refreshUnderLock(realmId, rejectedToken).finally(() => this.inflight.delete(realmId));
    this.inflight.set(realmId, refresh);
    return refresh;
  }

  private async refreshUnderLock(realmId: string, rejectedToken: string | undefined): Promise<QboConnection> {
    const outcome = await this.store.withRealmLock<RefreshOutcome>(realmId, async (tx) => {
      const current = tx.current;
      const now = this.clock.now();
      if (!current) return { ok: false, error: new QboAuthRevokedError({ realmId, reason: 'This QuickBooks company is not connected.' }) };
      if (current.status !== 'connected') {
        return { ok: false, error: new QboAuthRevokedError({ realmId, reason: current.statusReason ?? `The QuickBooks connection is ${current.status}; reconnect the company.` }) };
      }
      const fresh = current.accessToken && (current.accessTokenExpiresAt ?? 0) - this.refreshEarlyMs > now && current.accessToken !== rejectedToken;
      if (fresh) return { ok: true, connection: current }; // another caller or replica refreshed while we waited
      if (!current.refreshToken || (current.refreshTokenExpiresAt !== undefined && current.refreshTokenExpiresAt <= now)) {
        const reason = 'The QuickBooks refresh token has expired; reconnect the company.';
        await tx.save({ ...current, status: 'error', statusReason: reason, accessToken: undefined, updatedAt: now });
        return { ok: false, error: new QboAuthRevokedError({ realmId, reason }) };
      }
      let tokens: IntuitTokenResponse;
      try {
        tokens = await this.gateway.refresh(current.refreshToken);
      } catch (error) {
        const mapped = mapOAuthFailure(error, realmId);
        if (error instanceof IntuitOAuthError && error.invalidGrant) {
          // Committed (not thrown) so the error state survives: every later call fails fast instead of retrying.
          await tx.save({ ...current, status: 'error', statusReason: mapped.reason, accessToken: undefined, refreshToken: undefined, updatedAt: now });
        }
        return { ok: false, error: mapped };
      }
      const next = this.connectionFrom(realmId, tokens, now, current);
      await tx.save(next);
      return { ok: true, connection: next };
    });
    // Only here, after the store committed, does anyone get the new access token.
    if (!outcome.ok) {
      this.cache.delete(realmId);
      if (outcome.error instanceof QboAuthRevokedError) {
        this.logger.error(`QuickBooks connection unusable realmId=${realmId} reason=${outcome.error.reason}`);
      }
      throw outcome.error;
    }
    this.remember(outcome.connection);
    return outcome.connection;
  }

  private connectionFrom(realmId: string, t: IntuitTokenResponse, issuedAt: number, previous?: QboConnection): QboConnection {
    return {
      realmId,
      status: 'connected',
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      // Measured from when we asked, not when the answer came: errs towards refreshing early.
      accessTokenExpiresAt: issuedAt + t.expires_in * 1000,
      refreshTokenExpiresAt: t.x_refresh_token_expires_in ? issuedAt + t.x_refresh_token_expires_in * 1000 : previous?.refreshTokenExpiresAt,
      refreshTokenHardExpiresAt: t.x_refresh_token_hard_expires_in
        ? issuedAt + t.x_refresh_token_hard_expires_in * 1000
        : previous?.refreshTokenHardExpiresAt,
      statusReason: undefined,
      updatedAt: this.clock.now(),
    };
  }

  private remember(c: QboConnection): void {
    if (c.accessToken && c.accessTokenExpiresAt) this.cache.set(c.realmId, { accessToken: c.accessToken, expiresAt: c.accessTokenExpiresAt });
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Token endpoint failures in the client's taxonomy. */
function mapOAuthFailure(error: unknown, realmId: string): QboError {
  // Anything the gateway did not classify is treated as "no usable answer": transient, never a revocation.
  const e = error instanceof IntuitOAuthError ? error : new IntuitOAuthError(String((error as Error)?.message ?? error), undefined, undefined, undefined, undefined);
  const init = { realmId, qboMessage: e.oauthError, detail: e.description, httpStatus: e.httpStatus, intuitTid: e.intuitTid, cause: e };
  if (e.invalidGrant) {
    return new QboAuthRevokedError({ ...init, reason: 'QuickBooks refused the refresh token (invalid_grant): the connection was revoked or expired; reconnect the company.' });
  }
  if (e.transient) {
    if (/timed out/.test(e.message)) return new QboTimeoutError(init);
    return e.httpStatus === undefined ? new QboNetworkError(init) : new QboServerError(init);
  }
  // invalid_client and the like: our app credentials or redirect are wrong. Not the connection's fault, so it
  // is not marked `error`, but retrying cannot help either.
  return new QboAuthenticationError({ ...init, reason: `QuickBooks OAuth refused the request (${e.oauthError ?? 'unknown'}); check the app's client id, secret and redirect URI.` });
}

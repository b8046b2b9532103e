import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeOAuthServer, startFakeOAuthServer } from './__fixtures__/fake-oauth-server';
import { ManualClock } from './manual-clock';
import { QboAuthRevokedError, QboClientUsageError, QboServerError } from './qbo-errors';
import type { QboLogger } from './qbo-logger';
import { QboTokenManager } from './token-manager';
import { InMemoryTokenStore, type QboConnection, type TokenStoreTransaction } from './token-store';

const REALM = '4620816365';
const HOUR = 3_600_000;

describe(QboTokenManager.name, () => {
  let oauth: FakeOAuthServer;
  let clock: ManualClock;
  let store: InMemoryTokenStore;
  let logs: string[];

  const logger: QboLogger = {
    log: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    error: (m) => logs.push(m),
    debug: (m) => logs.push(m),
  };

  const manager = (overrides: Partial<ConstructorParameters<typeof QboTokenManager>[0]> = {}) =>
    new QboTokenManager({
      oauth: {
        clientId: FAKE_CLIENT_ID,
        clientSecret: FAKE_CLIENT_SECRET,
        redirectUri: 'http://localhost:3000/api/v1/qbo/callback',
        environment: 'sandbox',
        oauthBaseUrl: oauth.url,
        retry: { maxRetries: 0, retryDelayMs: 0 }, // intuit-oauth would otherwise wait 0.5 s per retry
      },
      store,
      clock,
      logger,
      ...overrides,
    });

  /** A connected realm whose access token expires `expiresInMs` from now. */
  const seed = (expiresInMs: number, extra: Partial<QboConnection> = {}) =>
    store.put({
      realmId: REALM,
      status: 'connected',
      accessToken: 'at-0',
      refreshToken: 'rt-0',
      accessTokenExpiresAt: clock.now() + expiresInMs,
      refreshTokenExpiresAt: clock.now() + 100 * 24 * HOUR,
      updatedAt: clock.now(),
      ...extra,
    });

  beforeEach(async () => {
    oauth = await startFakeOAuthServer();
    clock = new ManualClock(Date.parse('2026-11-22T12:00:00Z'));
    store = new InMemoryTokenStore();
    logs = [];
  });

  afterEach(() => oauth.close());

  it('builds the authorize URL on the configured OAuth base with state', () => {
    const { url, state } = manager().authorizeUrl();
    const parsed = new URL(url);

    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${oauth.url}/connect/oauth2`);
    expect(parsed.searchParams.get('client_id')).toBe(FAKE_CLIENT_ID);
    expect(parsed.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
    expect(parsed.searchParams.get('response_type')).toBe('code');
    expect(parsed.searchParams.get('state')).toBe(state);
    expect(state.length).toBeGreaterThanOrEqual(32);
  });

  it('exchanges a code once even when the callback arrives twice', async () => {
    const sut = manager();
    const callback = `http://localhost:3000/api/v1/qbo/callback?code=good-code&state=s1&realmId=${REALM}`;

    const [a, b] = await Promise.all([sut.exchangeCode(callback, 's1'), sut.exchangeCode(callback, 's1')]);

    expect(oauth.codeCalls).toBe(1);
    expect(a).toBe(b);
    expect(await store.load(REALM)).toMatchObject({ status: 'connected', accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(await sut.getAccessToken(REALM)).toBe('at-1');
  });

  it('refuses a callback whose state does not match, without calling Intuit', async () => {
    const callback = `http://localhost/cb?code=good-code&state=forged&realmId=${REALM}`;

    await expect(manager().exchangeCode(callback, 's1')).rejects.toBeInstanceOf(QboClientUsageError);
    expect(oauth.codeCalls).toBe(0);
  });

  it('maps a refused code to QboAuthRevokedError', async () => {
    const callback = `http://localhost/cb?code=used-code&state=s1&realmId=${REALM}`;

    await expect(manager().exchangeCode(callback, 's1')).rejects.toBeInstanceOf(QboAuthRevokedError);
  });

  it('serves a fresh token from the store without refreshing', async () => {
    seed(HOUR);

    expect(await manager().getAccessToken(REALM)).toBe('at-0');
    expect(oauth.refreshCalls).toBe(0);
  });

  it('refreshes five minutes before expiry, not later', async () => {
    seed(6 * 60_000);
    const sut = manager();
    expect(await sut.getAccessToken(REALM)).toBe('at-0');

    await clock.advance(60_001); // now 4:59 before expiry
    expect(await sut.getAccessToken(REALM)).toBe('at-1');
    expect(oauth.refreshCalls).toBe(1);
  });

  it('coalesces 100 concurrent callers into one refresh', async () => {
    seed(-1);
    const sut = manager();

    const tokens = await Promise.all(Array.from({ length: 100 }, () => sut.getAccessToken(REALM)));

    expect(oauth.refreshCalls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
  });

  it('lets two managers on one store (two workers) refresh once between them', async () => {
    seed(-1);
    const [a, b] = [manager(), manager()];

    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).getAccessToken(REALM)));

    expect(oauth.refreshCalls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
  });

  it('persists the rotated refresh token before anyone gets the new access token', async () => {
    seed(-1);
    const events: string[] = [];
    const recording = new (class extends InMemoryTokenStore {
      override async withRealmLock<T>(realmId: string, fn: (tx: TokenStoreTransaction) => Promise<T>): Promise<T> {
        const result = await super.withRealmLock(realmId, fn);
        events.push(`committed refresh=${this.saves.at(-1)?.refreshToken}`);
        return result;
      }
    })();
    recording.put((await store.load(REALM)) as QboConnection);
    const sut = manager({ store: recording });

    const token = await sut.getAccessToken(REALM).then((t) => (events.push(`used ${t}`), t));

    expect(token).toBe('at-1');
    expect(events).toEqual(['committed refresh=rt-1', 'used at-1']);
    expect(recording.saves.at(-1)).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', status: 'connected' });
  });

  it('does not hand out a token whose rotation could not be persisted', async () => {
    seed(-1);
    const failing = new (class extends InMemoryTokenStore {
      override async withRealmLock<T>(realmId: string, fn: (tx: TokenStoreTransaction) => Promise<T>): Promise<T> {
        await super.withRealmLock(realmId, fn);
        throw new Error('commit failed');
      }
    })();
    failing.put((await store.load(REALM)) as QboConnection);

    await expect(manager({ store: failing }).getAccessToken(REALM)).rejects.toThrow('commit failed');
  });

  it('moves the connection to error on invalid_grant and fails fast afterwards', async () => {
    seed(-1);
    oauth.refuseRefresh = true;
    const sut = manager();

    const error = await sut.getAccessToken(REALM).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QboAuthRevokedError);
    expect((error as QboAuthRevokedError).reason).toMatch(/invalid_grant/);
    expect(await store.load(REALM)).toMatchObject({ status: 'error', statusReason: expect.stringMatching(/reconnect/), accessToken: undefined, refreshToken: undefined });

    await expect(sut.getAccessToken(REALM)).rejects.toBeInstanceOf(QboAuthRevokedError);
    await expect(manager().getAccessToken(REALM)).rejects.toBeInstanceOf(QboAuthRevokedError);
    expect(oauth.refreshCalls).toBe(1);
  });

  it('keeps the connection on a transient token endpoint failure', async () => {
    seed(-1);
    oauth.failStatus = 503;

    const error = await manager().getAccessToken(REALM).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QboServerError);
    expect((error as QboServerError).transient).toBe(true);
    expect(await store.load(REALM)).toMatchObject({ status: 'connected', refreshToken: 'rt-0' });
  });

  it('does not call Intuit when the refresh token has expired locally', async () => {
    seed(-1, { refreshTokenExpiresAt: clock.now() - 1 });

    await expect(manager().getAccessToken(REALM)).rejects.toBeInstanceOf(QboAuthRevokedError);
    expect(oauth.refreshCalls).toBe(0);
    expect((await store.load(REALM))?.status).toBe('error');
  });

  it('after a 401 refreshes the rejected token, unless another worker already replaced it', async () => {
    seed(HOUR);
    const sut = manager();

    expect(await sut.refreshAfterUnauthorized(REALM, 'at-0')).toBe('at-1');
    expect(oauth.refreshCalls).toBe(1);

    expect(await manager().refreshAfterUnauthorized(REALM, 'at-0')).toBe('at-1');
    expect(oauth.refreshCalls).toBe(1);
  });

  it('revokes the grant at Intuit and marks the connection revoked', async () => {
    seed(HOUR);
    const sut = manager();

    await sut.revoke(REALM);

    expect(oauth.revoked).toEqual(['rt-0']);
    const row = await store.load(REALM);
    expect(row?.status).toBe('revoked');
    expect(row?.accessToken).toBeUndefined();
    expect(row?.refreshToken).toBeUndefined();
    await expect(sut.getAccessToken(REALM)).rejects.toBeInstanceOf(QboAuthRevokedError);
  });

  it('fails a realm that was never connected', async () => {
    await expect(manager().getAccessToken('999')).rejects.toBeInstanceOf(QboAuthRevokedError);
  });

  it('never writes a token or secret to the log', async () => {
    seed(-1);
    const sut = manager();
    await sut.getAccessToken(REALM);
    oauth.refuseRefresh = true;
    await sut.refreshAfterUnauthorized(REALM, 'at-1').catch(() => undefined);
    await sut.revoke(REALM);

    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(line).not.toMatch(/at-\d|rt-\d|client-secret/);
  });

  it('shows connection status without tokens', async () => {
    seed(HOUR);

    const status = await manager().status(REALM);

    expect(status).toMatchObject({ realmId: REALM, status: 'connected' });
    expect(JSON.stringify(status)).not.toMatch(/at-0|rt-0/);
  });
});

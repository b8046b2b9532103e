import { randomBytes } from 'node:crypto';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeOAuthServer, startFakeOAuthServer } from '../src/__fixtures__/fake-oauth-server';
import { QBO_CLIENT_DDL } from '../src/pg-schema';
import { PgTokenStore } from '../src/pg-token-store';
import { QboAuthRevokedError } from '../src/qbo-errors';
import { TokenCipher, TokenDecryptionError } from '../src/token-cipher';
import { QboTokenManager } from '../src/token-manager';
import type { QboConnection } from '../src/token-store';
import { createTestDatabase, type TestDatabase } from './pg-test-database';

const SCHEMA = 'arbiter_qbo';
const HOUR = 3_600_000;
const k1 = randomBytes(32);

describe(PgTokenStore.name, () => {
  let db: TestDatabase;
  let oauth: FakeOAuthServer;
  const cipher = new TokenCipher({ id: 'k1', key: k1 });

  /** One "replica": its own pool, store and manager. */
  const replica = () => {
    const store = new PgTokenStore({ pool: db.pool(5), cipher, schema: SCHEMA });
    const manager = new QboTokenManager({
      oauth: {
        clientId: FAKE_CLIENT_ID,
        clientSecret: FAKE_CLIENT_SECRET,
        redirectUri: 'http://localhost/cb',
        environment: 'sandbox',
        oauthBaseUrl: oauth.url,
        retry: { maxRetries: 0, retryDelayMs: 0 },
      },
      store,
    });
    return { store, manager };
  };

  const seed = async (realmId: string, c: Partial<QboConnection> = {}) => {
    const { store } = replica();
    await store.withRealmLock(realmId, (tx) =>
      tx.save({
        realmId,
        status: 'connected',
        accessToken: 'at-0',
        refreshToken: oauth.validRefreshToken,
        accessTokenExpiresAt: Date.now() - 1,
        refreshTokenExpiresAt: Date.now() + 100 * 24 * HOUR,
        updatedAt: Date.now(),
        ...c,
      }),
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase('tokens');
    const pool = db.pool(3);
    await Promise.all([0, 1, 2].map(() => new PgTokenStore({ pool, cipher, schema: SCHEMA }).ensureSchema()));
  });

  beforeEach(async () => {
    oauth = await startFakeOAuthServer();
    oauth.refreshDelayMs = 100; // a slow Intuit widens the race between replicas
  });

  afterEach(() => oauth.close());
  afterAll(() => db?.drop());

  it('keeps the DDL in one idempotent constant', async () => {
    expect(QBO_CLIENT_DDL).toContain('CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_connection');
    await expect(new PgTokenStore({ pool: db.pool(1), cipher, schema: SCHEMA }).ensureSchema()).resolves.toBeUndefined();
  });

  it('stores tokens sealed, and reads them back', async () => {
    await seed('r-sealed', { accessToken: 'plain-access', refreshToken: 'plain-refresh', accessTokenExpiresAt: 1_800_000_000_000 });
    const pool = db.pool(1);

    const { rows } = await pool.query(`SELECT access_token_sealed, refresh_token_sealed FROM ${SCHEMA}.qbo_connection WHERE realm_id = 'r-sealed'`);
    expect(rows[0].access_token_sealed).toMatch(/^v1:k1:/);
    expect(JSON.stringify(rows)).not.toContain('plain-');
    expect(await replica().store.load('r-sealed')).toMatchObject({ accessToken: 'plain-access', refreshToken: 'plain-refresh', accessTokenExpiresAt: 1_800_000_000_000, status: 'connected' });
  });

  it('refuses a sealed token copied onto another realm\'s row', async () => {
    await seed('r-a', { refreshToken: 'secret-a' });
    await seed('r-b', { refreshToken: 'secret-b' });
    const pool = db.pool(1);
    await pool.query(`UPDATE ${SCHEMA}.qbo_connection SET refresh_token_sealed = (SELECT refresh_token_sealed FROM ${SCHEMA}.qbo_connection WHERE realm_id = 'r-a') WHERE realm_id = 'r-b'`);

    await expect(replica().store.load('r-b')).rejects.toBeInstanceOf(TokenDecryptionError);
  });

  it('two replicas refreshing the same realm under load make exactly one refresh call', async () => {
    await seed('r-race');
    const [a, b] = [replica(), replica()];

    const tokens = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).manager.getAccessToken('r-race')));

    expect(oauth.refreshCalls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(await a.store.load('r-race')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', status: 'connected' });
  });

  it('after invalid_grant on one replica, the other fails fast from the stored error state', async () => {
    await seed('r-dead');
    oauth.refuseRefresh = true;
    const [a, b] = [replica(), replica()];

    await expect(a.manager.getAccessToken('r-dead')).rejects.toBeInstanceOf(QboAuthRevokedError);
    await expect(b.manager.getAccessToken('r-dead')).rejects.toBeInstanceOf(QboAuthRevokedError);

    expect(oauth.refreshCalls).toBe(1);
    const row = await a.store.load('r-dead');
    expect(row?.status).toBe('error');
    expect(row?.statusReason).toMatch(/invalid_grant/);
    expect(row?.refreshToken).toBeUndefined();
  });

  it('rolls back what was saved when the locked section fails', async () => {
    await seed('r-rollback', { refreshToken: 'kept' });
    const { store } = replica();

    await expect(
      store.withRealmLock('r-rollback', async (tx) => {
        await tx.save({ ...(tx.current as QboConnection), refreshToken: 'lost' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect((await store.load('r-rollback'))?.refreshToken).toBe('kept');
  });

  it('reads values sealed with a previous key and re-seals them with the current one on save', async () => {
    await seed('r-rotate', { refreshToken: 'old-key-token' });
    const rotated = new PgTokenStore({ pool: db.pool(2), cipher: new TokenCipher({ id: 'k2', key: randomBytes(32) }, [{ id: 'k1', key: k1 }]), schema: SCHEMA });

    await rotated.withRealmLock('r-rotate', async (tx) => tx.save({ ...(tx.current as QboConnection), updatedAt: Date.now() }));

    const { rows } = await db.pool(1).query(`SELECT refresh_token_sealed FROM ${SCHEMA}.qbo_connection WHERE realm_id = 'r-rotate'`);
    expect(rows[0].refresh_token_sealed).toMatch(/^v1:k2:/);
    expect((await rotated.load('r-rotate'))?.refreshToken).toBe('old-key-token');
  });
});

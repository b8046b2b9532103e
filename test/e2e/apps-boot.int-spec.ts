import { createTestDatabase, freePort, kafkaBrokersFromEnv, type TestDatabase } from '@arbiter/dev-infra';
import { randomBytes } from 'node:crypto';
import { runFromSource, waitForHealthy } from './run-from-source';

const APPS = ['gateway', 'sync-service', 'recon-service', 'qbo-sandbox'] as const;

describe('every app: configuration, health, JSON logs, graceful shutdown', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('boot');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const goodEnv = (port: number) => ({
    PORT: String(port),
    QBO_SANDBOX_PORT: String(port),
    DATABASE_URL: db.url,
    KAFKA_BROKERS: kafkaBrokersFromEnv().join(','),
    KAFKA_GROUP_ID: `boot-${randomBytes(4).toString('hex')}`,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    QBO_CLIENT_ID: 'boot-client',
    QBO_CLIENT_SECRET: 'boot-secret',
    QBO_REDIRECT_URI: 'http://127.0.0.1:3000/oauth/quickbooks/callback',
    QBO_WEBHOOK_VERIFIER_TOKEN: 'boot-verifier',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });

  it.each([
    ['gateway', ['DATABASE_URL', 'KAFKA_BROKERS', 'TOKEN_ENCRYPTION_KEY', 'QBO_CLIENT_ID', 'QBO_REDIRECT_URI']],
    ['sync-service', ['DATABASE_URL', 'KAFKA_BROKERS', 'TOKEN_ENCRYPTION_KEY', 'QBO_CLIENT_ID']],
    ['recon-service', ['DATABASE_URL', 'KAFKA_BROKERS']],
  ])('%s exits 1 with one message naming every bad key', async (app, badKeys) => {
    const sut = runFromSource(app, { KAFKA_BROKERS: 'nonsense', TOKEN_ENCRYPTION_KEY: 'short' });
    expect(await sut.exited).toBe(1);
    const fatal = sut.lines.filter((l) => l.includes('"fatal"'));
    expect(fatal).toHaveLength(1);
    const entry = JSON.parse(fatal[0]) as { app: string; msg: string; invalidKeys: string[] };
    expect(entry.app).toBe(app);
    expect(entry.invalidKeys).toEqual(expect.arrayContaining(badKeys));
    expect(entry.msg).not.toContain('short');
  });

  it.each(APPS)('%s migrates, serves /health, logs JSON and stops cleanly on SIGTERM', async (app) => {
    const port = await freePort();
    const env = goodEnv(port);
    if (app !== 'qbo-sandbox') {
      const migrate = runFromSource(app, env, ['migrate']);
      expect(await migrate.exited).toBe(0);
    }
    const sut = runFromSource(app, env);
    try {
      const res = await waitForHealthy(`http://127.0.0.1:${port}`, sut);
      expect(await res.json()).toMatchObject({ status: 'ok' });
      const jsonLines = sut.lines.filter((l) => l.startsWith('{'));
      expect(jsonLines.length).toBeGreaterThan(0);
      for (const line of jsonLines) expect(() => JSON.parse(line)).not.toThrow();
      expect(sut.lines.filter((l) => !l.startsWith('{'))).toEqual([]);
      sut.child.kill('SIGTERM');
      expect(await sut.exited).toBe(0);
      expect(sut.lines.some((l) => l.includes('shutting down signal=SIGTERM'))).toBe(true);
    } finally {
      if (sut.child.exitCode === null) sut.child.kill('SIGKILL');
    }
  });
});

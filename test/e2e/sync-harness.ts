import { Topics, TopicSpecs, type InboundEvent, messageKeyOf, topicForEventType } from '@arbiter/contracts';
import { createTestDatabase, freePort, startMockKafka, type RunningKafka, type TestDatabase } from '@arbiter/dev-infra';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runFromSource, waitForHealthy, type SourceApp } from './run-from-source';

/**
 * The sync-service and the QuickBooks sandbox as real processes, on a fresh database and a broker of their own, for
 * one suite. A private broker: a consumer group that starts on the shared one reads every earlier suite's history
 * first (fromBeginning), which left the second suite of a run waiting past its timeouts.
 */
export class SyncHarness {
  db!: TestDatabase;
  kafka!: RunningKafka;
  pg!: Client;
  sandbox!: SourceApp;
  sync!: SourceApp;
  sandboxUrl = '';
  syncUrl = '';
  realmId = '';
  producer!: Producer;
  readonly tenantId = `t${randomBytes(4).toString('hex')}`;
  readonly env: Record<string, string> = {};
  /** The sync-service's environment, kept so a killed replica can be started again as it was. */
  syncEnv: Record<string, string> = {};

  /**
   * @param extraSyncEnv the sync-service's own additions.
   * @param sharedEnv settings the sandbox and every service share (kept in `env`), e.g. the gateway's callback as QBO_REDIRECT_URI.
   */
  async start(extraSyncEnv: Record<string, string> = {}, sharedEnv: Record<string, string> = {}): Promise<void> {
    [this.db, this.kafka] = await Promise.all([
      createTestDatabase('e2e_sync'),
      startMockKafka({ brokers: 1, topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })) }),
    ]);
    const [sandboxPort, syncPort] = [await freePort(), await freePort()];
    this.sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    this.syncUrl = `http://127.0.0.1:${syncPort}`;
    Object.assign(this.env, {
      QBO_CLIENT_ID: `e2e-${randomBytes(3).toString('hex')}`,
      QBO_CLIENT_SECRET: randomBytes(16).toString('hex'),
      QBO_REDIRECT_URI: 'http://127.0.0.1:3000/oauth/quickbooks/callback',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...sharedEnv,
    });
    this.sandbox = runFromSource('qbo-sandbox', { ...this.env, QBO_SANDBOX_PORT: String(sandboxPort), QBO_SANDBOX_HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    await waitForHealthy(this.sandboxUrl, this.sandbox);
    const syncEnv = (this.syncEnv = {
      ...this.env,
      PORT: String(syncPort),
      DATABASE_URL: this.db.url,
      KAFKA_BROKERS: this.kafkaBrokers.join(','),
      KAFKA_GROUP_ID: `sync-${this.tenantId}`,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      KAFKA_MAX_WAIT_TIME_MS: '100',
      QBO_API_BASE_URL: this.sandboxUrl,
      QBO_OAUTH_BASE_URL: this.sandboxUrl,
      PUSH_POLL_INTERVAL_MS: '100',
      OUTBOX_INTERVAL_MS: '100',
      LOG_LEVEL: 'info',
      ...extraSyncEnv,
    });
    const migrate = runFromSource('sync-service', syncEnv, ['migrate']);
    if ((await migrate.exited) !== 0) throw new Error(`migrate failed:\n${migrate.lines.join('\n')}`);
    this.sync = runFromSource('sync-service', syncEnv);
    await waitForHealthy(this.syncUrl, this.sync);
    this.pg = new Client({ connectionString: this.db.url });
    await this.pg.connect();
    this.producer = new Kafka({ clientId: 'e2e', brokers: this.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
    await this.producer.connect();
  }

  /** SIGKILL: no shutdown hooks, in-flight pushes and transactions die with the process. */
  async killSync(): Promise<void> {
    this.sync.child.kill('SIGKILL');
    await this.sync.exited;
  }

  /** Starts the sync-service again with the same environment (same consumer group, database and sandbox). */
  async restartSync(): Promise<void> {
    const previous = this.sync.lines;
    this.sync = runFromSource('sync-service', this.syncEnv);
    this.sync.lines.unshift(...previous); // one log across restarts
    await waitForHealthy(this.syncUrl, this.sync);
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.pg?.end();
    for (const app of [this.sync, this.sandbox]) {
      if (app && app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    }
    await this.db?.drop();
    await this.kafka?.stop();
  }

  /** This suite's broker (every process of the suite and its test clients use it). */
  get kafkaBrokers(): string[] {
    return this.kafka.brokers;
  }

  /** The real OAuth flow: authorize URL from sync → the sandbox consents → the callback URL goes back to sync. */
  async connect(): Promise<string> {
    const state = randomBytes(24).toString('base64url');
    const { url } = await this.call<{ url: string }>('POST', 'connection/authorize-url', { state });
    const consent = await fetch(url, { redirect: 'manual' });
    const callback = consent.headers.get('location');
    if (consent.status !== 302 || !callback) throw new Error(`consent did not redirect: ${consent.status} ${await consent.text()}`);
    const { realmId } = await this.call<{ realmId: string }>('POST', 'connection/exchange', { callbackUrl: callback, state });
    this.realmId = realmId;
    return realmId;
  }

  /** sync-service internal API for this tenant. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expectStatus?: number): Promise<T> {
    const res = await fetch(`${this.syncUrl}/internal/v1/tenants/${this.tenantId}/${path}`, {
      method,
      headers: {
        'content-type': 'application/json', 'x-arbiter-actor': 'key_e2e', 'x-arbiter-role': 'controller',
        ...(this.env['INTERNAL_API_TOKEN'] ? { authorization: `Bearer ${this.env['INTERNAL_API_TOKEN']}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (expectStatus !== undefined ? res.status !== expectStatus : res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The QuickBooks API of the sandbox with a token minted by its control surface (for setting up and checking). */
  async qbo<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const { access_token } = (await (await fetch(`${this.sandboxUrl}/__sandbox/realms/${this.realmId}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      access_token: string;
    };
    const res = await fetch(`${this.sandboxUrl}/v3/company/${this.realmId}/${path}${path.includes('?') ? '&' : '?'}minorversion=75`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`QBO ${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  async qboQuery<T = Record<string, unknown>>(statement: string): Promise<T[]> {
    const r = await this.qbo<{ QueryResponse: Record<string, T[]> }>('GET', `query?query=${encodeURIComponent(statement)}`);
    const entity = statement.match(/from\s+(\w+)/i)?.[1] ?? '';
    return r.QueryResponse[entity] ?? [];
  }

  async control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.sandboxUrl}/__sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`control ${method} ${path} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async publish(...events: InboundEvent[]): Promise<void> {
    for (const e of events) {
      await this.producer.send({ topic: topicForEventType(e.eventType), acks: -1, messages: [{ key: messageKeyOf(e), value: JSON.stringify(e) }] });
    }
  }

  async publishRaw(topic: string, key: string, value: string): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [{ key, value }] });
  }

  async link(entityType: string, sourceId: string): Promise<{ status: string; qbo_id: string | null; pushed_version: number | null } | undefined> {
    const r = await this.pg.query('select status, qbo_id, pushed_version from sync.sync_link where tenant_id = $1 and entity_type = $2 and source_id = $3', [this.tenantId, entityType, sourceId]);
    return r.rows[0];
  }

  async openProblem(sourceId: string): Promise<{ id: string; kind: string; reason: string; qbo_code: string | null } | undefined> {
    const r = await this.pg.query(`select id, kind, reason, qbo_code from sync.problem where tenant_id = $1 and source_id = $2 and state = 'open'`, [this.tenantId, sourceId]);
    return r.rows[0];
  }

  async statusEvents(sourceId: string): Promise<string[]> {
    const r = await this.pg.query(`select payload->>'status' as status from sync.outbox where key = $1 order by id`, [`${this.tenantId}:${sourceId}`]);
    return r.rows.map((x) => x.status);
  }

  logTail(): string {
    return this.sync.lines.slice(-30).join('\n');
  }
}

export const eventually = async <T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, harness?: SyncHarness): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${harness ? `\n--- sync log ---\n${harness.logTail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

export { Topics };

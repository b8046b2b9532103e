import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import { runServiceMigrations, serviceOrmConfig } from '@arbiter/persistence';
import { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { syncEntities } from '../src/app.module';
import { SyncConfigSchema, type SyncConfig } from '../src/config';
import { syncMigrations } from '../src/migrations';
import type { PushDocument, SyncJob } from '../src/push/push-document';
import { SyncProblem } from '../src/push/push-failure';
import { PushWorker } from '../src/push/push-worker';

/**
 * The push queue on a real PostgreSQL: which jobs a claim takes (tenants take turns), and what leases do when a
 * replica dies or stalls. The QuickBooks side is a stand-in that holds each push until the test lets it finish.
 */
class HeldPushes {
  readonly started: SyncJob[] = [];
  private readonly waiting: { job: SyncJob; finish: (error?: Error) => void }[] = [];

  run(job: SyncJob): Promise<void> {
    this.started.push(job);
    return new Promise((resolve, reject) => this.waiting.push({ job, finish: (error) => (error ? reject(error) : resolve()) }));
  }

  finishAll(error?: Error): void {
    for (const w of this.waiting.splice(0)) w.finish(error);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('push worker: claims and leases', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pg: Client;
  let config: SyncConfig;
  const workers: PushWorker[] = [];

  const worker = (pushes: HeldPushes, overrides: Partial<SyncConfig> = {}) => {
    const w = new PushWorker(orm.em, pushes as unknown as PushDocument, { ...config, ...overrides });
    workers.push(w);
    return w;
  };
  const enqueue = async (tenantId: string, sourceId: string, dueSecondsAgo: number) =>
    pg.query(`insert into sync.sync_job (tenant_id, entity_type, source_id, version, reason, due_at) values ($1, 'invoice', $2, 1, 'upsert', now() - make_interval(secs => $3))`, [
      tenantId, sourceId, dueSecondsAgo,
    ]);
  const jobRow = async (tenantId: string, sourceId: string) =>
    (await pg.query(`select lease_id, locked_until > now() as locked from sync.sync_job where tenant_id = $1 and source_id = $2`, [tenantId, sourceId])).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase('sync_push_worker');
    config = SyncConfigSchema.parse({
      ...process.env,
      DATABASE_URL: db.url,
      QBO_CLIENT_ID: 'test-client',
      QBO_CLIENT_SECRET: 'test-secret',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      PUSH_ENABLED: 'false', // the tests call tick() themselves
      PUSH_CONCURRENCY: '6',
      PUSH_LEASE_MS: '3000',
    });
    await runServiceMigrations({ clientUrl: db.url, schema: config.DATABASE_SCHEMA, entities: syncEntities, migrations: syncMigrations });
    orm = await MikroORM.init({ ...serviceOrmConfig({ clientUrl: db.url, schema: config.DATABASE_SCHEMA, entities: syncEntities, migrations: syncMigrations }) } as never);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.beforeApplicationShutdown();
    await pg.query('delete from sync.sync_job');
    await pg.query('delete from sync.problem');
  });

  afterAll(async () => {
    await pg?.end();
    await orm?.close();
    await db?.drop();
  });

  it('lets tenants take turns: a tenant with a large, older backlog does not starve the others', async () => {
    for (let i = 0; i < 30; i++) await enqueue('big', `big-${String(i).padStart(2, '0')}`, 600 - i); // due ten minutes ago
    await enqueue('small-a', 'a-1', 5);
    await enqueue('small-a', 'a-2', 4);
    await enqueue('small-b', 'b-1', 3);
    const pushes = new HeldPushes();

    expect(await worker(pushes).tick()).toBe(6);

    const claimed = pushes.started.map((j) => `${j.tenantId}/${j.sourceId}`).sort();
    // Turn 1: each tenant's oldest; turn 2: the next of each that has one; then the big backlog goes on.
    expect(claimed).toEqual(['big/big-00', 'big/big-01', 'big/big-02', 'small-a/a-1', 'small-a/a-2', 'small-b/b-1']);
    pushes.finishAll();
  });

  it('takes turns across replicas too: a second claim skips the rows the first one holds', async () => {
    for (let i = 0; i < 10; i++) await enqueue('big', `big-${i}`, 600 - i);
    for (let i = 0; i < 4; i++) await enqueue('small', `small-${i}`, 10 - i);
    const [first, second] = [new HeldPushes(), new HeldPushes()];

    await worker(first).tick();
    await worker(second).tick();

    const all = [...first.started, ...second.started].map((j) => j.sourceId);
    expect(new Set(all).size).toBe(12); // no job claimed twice
    expect(all.filter((id) => id.startsWith('small'))).toHaveLength(4);
    first.finishAll();
    second.finishAll();
  });

  it('renews the lease while a push runs, and completes the job when it ends', async () => {
    await enqueue('t1', 'slow', 1);
    const pushes = new HeldPushes();
    const w = worker(pushes);
    await w.tick();

    await sleep(4_000); // longer than the 3 s lease: only the heartbeat keeps it
    expect(await jobRow('t1', 'slow')).toMatchObject({ locked: true });
    expect(await worker(new HeldPushes()).tick()).toBe(0);

    pushes.finishAll();
    await w.beforeApplicationShutdown();
    expect(await jobRow('t1', 'slow')).toBeUndefined();
  });

  it('gives a killed replica\'s job to another after one lease, and the stale worker commits nothing', async () => {
    await enqueue('t1', 'orphan', 1);
    // What a SIGKILLed replica leaves: a claimed row nobody renews.
    await pg.query(`update sync.sync_job set lease_id = $1, locked_until = now() + interval '3 seconds' where source_id = 'orphan'`, [randomUUID()]);
    const survivor = new HeldPushes();
    const w = worker(survivor);
    expect(await w.tick()).toBe(0);
    await sleep(3_200);
    expect(await w.tick()).toBe(1);
    expect(survivor.started.map((j) => j.sourceId)).toEqual(['orphan']);

    // The stale worker: it held the job before, its lease was taken over, and now its push fails for good.
    const stale = new HeldPushes();
    const staleWorker = worker(stale);
    await pg.query(`update sync.sync_job set locked_until = now() - interval '1 second' where source_id = 'orphan'`);
    expect(await staleWorker.tick()).toBe(1);
    const staleLease = (await jobRow('t1', 'orphan')).lease_id;
    await pg.query(`update sync.sync_job set lease_id = $1 where source_id = 'orphan'`, [randomUUID()]); // taken over again
    stale.finishAll(new SyncProblem('validation', 'stale outcome'));
    await staleWorker.beforeApplicationShutdown();

    expect((await pg.query(`select count(*)::int as n from sync.problem where source_id = 'orphan'`)).rows[0].n).toBe(0);
    const row = await jobRow('t1', 'orphan');
    expect(row).toBeDefined(); // still queued for its current owner
    expect(row.lease_id).not.toBe(staleLease);
    survivor.finishAll();
  });
});

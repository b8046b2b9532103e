import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import { PgRealmBudget } from '@arbiter/qbo-client';
import { runServiceMigrations, serviceOrmConfig } from '@arbiter/persistence';
import { MikroORM } from '@mikro-orm/postgresql';
import { Pool } from 'pg';
import { syncEntities } from '../src/app.module';
import { syncMigrations } from '../src/migrations';

/** The sliding-log rate budget migration: up replaces the bucketed tables, down brings them back, up again works. */
describe('Migration20261207121500_qbo_rate_sliding_log', () => {
  let db: TestDatabase;
  let pool: Pool;
  const tables = async () =>
    (await pool.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'sync' and table_name like 'qbo_rate%' order by 1`)).rows.map((r) => r.t);
  const hasAcquire = async () => (await pool.query(`select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'sync' and p.proname = 'qbo_rate_acquire'`)).rowCount === 1;

  beforeAll(async () => {
    db = await createTestDatabase('sync_rate_migration');
    pool = new Pool({ connectionString: db.url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('migrates up to the sliding log, down to the buckets and up again', async () => {
    const options = { clientUrl: db.url, schema: 'sync', entities: syncEntities, migrations: syncMigrations };
    await runServiceMigrations(options);
    expect(await tables()).toEqual(['qbo_rate_grant', 'qbo_rate_realm']);
    expect(await hasAcquire()).toBe(true);
    const budget = new PgRealmBudget({ pool, schema: 'sync' });
    expect((await budget.tryAcquire('9130350000000001')).granted).toBe(true);

    const orm = await MikroORM.init(serviceOrmConfig({ ...options, poolMax: 2 }));
    try {
      // Down to the bucketed budget: the push crash-safety migration after it goes down first, and comes back with it.
      expect((await orm.getMigrator().down({ migrations: ['Migration20261207130000_push_crash_safety', 'Migration20261207121500_qbo_rate_sliding_log'] })).map((m) => m.name)).toEqual([
        'Migration20261207130000_push_crash_safety',
        'Migration20261207121500_qbo_rate_sliding_log',
      ]);
    } finally {
      await orm.close(true);
    }
    expect(await tables()).toEqual(['qbo_rate_lease', 'qbo_rate_window']);
    expect(await hasAcquire()).toBe(false);

    expect(await runServiceMigrations(options)).toEqual(['Migration20261207121500_qbo_rate_sliding_log', 'Migration20261207130000_push_crash_safety']);
    expect(await tables()).toEqual(['qbo_rate_grant', 'qbo_rate_realm']);
    expect((await budget.tryAcquire('9130350000000001')).granted).toBe(true);
    budget.close();
  });
});

import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import { Entity, MikroORM, PrimaryKey, Property } from '@mikro-orm/postgresql';
import Decimal from 'decimal.js';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DecimalType, serviceOrmConfig } from '../src';

@Entity({ tableName: 'ledger_entry' })
class LedgerEntry {
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 100 })
  memo!: string;

  @Property({ type: new DecimalType(19, 4) })
  amount!: Decimal;
}

describe('DecimalType against PostgreSQL', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  // Migrations are written inside the workspace so ts-jest can resolve their imports.
  const migrationsDir = mkdtempSync(join(__dirname, '..', '..', '..', 'tmp-migrations-'));

  beforeAll(async () => {
    db = await createTestDatabase('persistence');
    orm = await MikroORM.init({
      ...serviceOrmConfig({ clientUrl: db.url, schema: 'ledger', entities: [LedgerEntry], migrations: [] }),
      migrations: { path: migrationsDir, emit: 'ts', snapshot: false, transactional: true, silent: true },
    });
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
    rmSync(migrationsDir, { recursive: true, force: true });
  });

  it('creates and runs a migration whose numeric column round-trips exact decimals', async () => {
    const migrator = orm.getMigrator();
    const created = await migrator.createMigration(undefined, false, true);
    expect(created.diff.up.join('\n')).toContain('"amount" numeric(19,4) not null');
    await migrator.up();
    expect(readdirSync(migrationsDir).filter((f) => f.endsWith('.ts'))).toHaveLength(1);
    expect(readFileSync(join(migrationsDir, created.fileName), 'utf8')).toContain('create schema if not exists "ledger"');

    const sut = orm.em.fork();
    const values = ['0.1', '0.2', '123456789012345.6789', '-3.5', '0'];
    for (const [i, v] of values.entries()) sut.create(LedgerEntry, { memo: `row ${i}`, amount: new Decimal(v) });
    const sum = values.reduce((acc, v) => acc.plus(v), new Decimal(0));
    sut.create(LedgerEntry, { memo: 'sum', amount: new Decimal('0.1').plus('0.2') });
    await sut.flush();

    const read = orm.em.fork();
    const rows = await read.find(LedgerEntry, {}, { orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.amount.toFixed(4))).toEqual(['0.1000', '0.2000', '123456789012345.6789', '-3.5000', '0.0000', '0.3000']);
    expect(rows[5].amount.eq('0.3')).toBe(true);
    const [{ total }] = await read.getConnection().execute<{ total: string }[]>('select sum(amount)::text as total from ledger.ledger_entry where memo <> ?', ['sum']);
    expect(new Decimal(total).eq(sum)).toBe(true);
    expect(total).toBe(sum.toFixed(4));
  });

  it('finds no schema drift after the migration and issues no UPDATE for an equal value', async () => {
    const diff = await orm.getMigrator().createMigration(undefined, false, false);
    expect(diff.diff.up).toEqual([]);
    const em = orm.em.fork();
    const row = await em.findOneOrFail(LedgerEntry, { memo: 'row 0' });
    row.amount = new Decimal('0.1000'); // same value, different scale
    const uow = em.getUnitOfWork();
    uow.computeChangeSets();
    expect(uow.getChangeSets()).toHaveLength(0);
  });

  it('refuses a value with more decimal places than the column holds instead of rounding silently', async () => {
    const em = orm.em.fork();
    em.create(LedgerEntry, { memo: 'too precise', amount: new Decimal('1.00005') });
    await expect(em.flush()).rejects.toThrow(/more than 4 decimal places/);
  });
});

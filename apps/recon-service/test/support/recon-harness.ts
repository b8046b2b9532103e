import { createTestDatabase, kafkaBrokersFromEnv, type TestDatabase } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppModule, reconEntities } from '../../src/app.module';
import { type ReconConfig, ReconConfigSchema } from '../../src/config';
import { ReconError } from '../../src/errors';
import { reconMigrations } from '../../src/migrations';
import { QBO_COMPANIES, type QboCompanies, type QboReader } from '../../src/qbo/qbo-companies';
import { migrateSyncSchema } from './source-ledger';

/** A database with the sync and recon schemas migrated, and a `pg` client on it. */
export interface ReconDatabaseFixture {
  db: TestDatabase;
  pg: Client;
  close(): Promise<void>;
}

export async function migratedDatabase(prefix: string): Promise<ReconDatabaseFixture> {
  const db = await createTestDatabase(prefix);
  migrateSyncSchema(db.url, kafkaBrokersFromEnv().join(','));
  await runServiceMigrations({ clientUrl: db.url, schema: 'recon', entities: reconEntities, migrations: reconMigrations });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  return {
    db,
    pg,
    close: async () => {
      await pg.end();
      await db.drop();
    },
  };
}

/** Tenants mapped to in-memory QuickBooks companies; a tenant without one is "not connected". */
export class FakeCompanies implements QboCompanies {
  readonly byTenant = new Map<string, QboReader>();

  async companyFor(tenantId: string): Promise<QboReader> {
    const company = this.byTenant.get(tenantId);
    if (!company) throw new ReconError('TENANT_NOT_CONNECTED', `tenant ${tenantId} is not connected to QuickBooks (state disconnected)`);
    return company;
  }
}

export function reconConfig(databaseUrl: string, env: Record<string, string> = {}): ReconConfig {
  return ReconConfigSchema.parse({
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokersFromEnv().join(','),
    QBO_CLIENT_ID: 'recon-test',
    QBO_CLIENT_SECRET: 'recon-test',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    RECON_POLL_INTERVAL_MS: '200',
    LOG_LEVEL: 'error',
    ...env,
  });
}

/** The whole recon-service module (HTTP, worker, scheduler, Kafka producer) on a free port, QuickBooks faked. */
export async function startRecon(config: ReconConfig, companies: QboCompanies): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(QBO_COMPANIES)
    .useValue(companies)
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

export const eventually = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'condition'): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Polls the API until the run has finished; returns the run resource. */
export async function finishedRun(url: string, tenantId: string, runId: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const res = await fetch(`${url}/internal/v1/tenants/${tenantId}/reconciliations/${runId}`);
      const body = (await res.json()) as Record<string, unknown>;
      return body['state'] === 'completed' || body['state'] === 'failed' ? body : undefined;
    },
    timeoutMs,
    `run ${runId} finished`,
  );
}

/** The value, or a test failure naming what was missing (instead of a non-null assertion). */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

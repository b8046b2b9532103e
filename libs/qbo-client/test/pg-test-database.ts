import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

/**
 * The server under test comes from DATABASE_URL (libs/dev-infra provides it). Without it these suites fail
 * loudly: a database test that silently passes without a database proves nothing.
 */
export function databaseUrl(): string {
  const url = process.env['DATABASE_URL'];
  if (!url) {
    throw new Error('DATABASE_URL is not set: the qbo-client PostgreSQL tests need a real server (e.g. postgres://postgres@127.0.0.1:55432/postgres).');
  }
  return url;
}

export interface TestDatabase {
  url: string;
  /** A new pool on the test database: one per simulated replica. */
  pool(max?: number): Pool;
  drop(): Promise<void>;
}

/** Creates a throwaway database for one test file, so files can run in parallel and leave nothing behind. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const admin = new Client({ connectionString: databaseUrl() });
  await admin.connect();
  const name = `qbo_client_${label}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(databaseUrl());
  url.pathname = `/${name}`;
  const pools: Pool[] = [];
  return {
    url: url.toString(),
    pool: (max = 10) => {
      const p = new Pool({ connectionString: url.toString(), max });
      // pool.end() resolves before its sockets are gone; the forced DROP below then terminates them and the pool
      // emits 'error' on idle clients. That is teardown, not a failure of the code under test.
      p.on('error', (error) => {
        if ((error as { code?: string }).code !== '57P01') throw error;
      });
      pools.push(p);
      return p;
    },
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()));
      const c = new Client({ connectionString: databaseUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

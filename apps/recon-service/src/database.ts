import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { RECON_CONFIG, type ReconConfig } from './config';

/** Runs SQL with `$n` placeholders and returns the rows. */
export type Sql = <T = Record<string, unknown>>(text: string, params?: readonly unknown[]) => Promise<T[]>;

/** Where this service's data lives: enough to open another pool on it (the compare worker does). */
export interface ReconConnection {
  url: string;
  /** The recon schema, first on every connection's search_path (a validated identifier, see config.ts). */
  schema: string;
}

const sqlOn =
  (client: Pool | PoolClient): Sql =>
  async <T,>(text: string, params: readonly unknown[] = []) =>
    (await client.query(text, params as unknown[])).rows as T[];

/** A pool whose connections start with the recon schema on their search_path, set before any query. */
export const reconPool = (connection: ReconConnection, max: number): Pool =>
  new Pool({ connectionString: connection.url, max, options: `-c search_path=${connection.schema},public` });

/** One transaction on the pool: everything `fn` writes commits together or not at all. */
export async function transactionOn<T>(pool: Pool, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(sqlOn(client));
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Plain SQL access on a pool of its own, outside Nest (the compare worker thread). */
export class StandaloneDatabase {
  readonly pool: Pool;
  readonly query: Sql;

  constructor(connection: ReconConnection, max = 2) {
    this.pool = reconPool(connection, max);
    // An idle client whose connection the server ended (restart, pg_terminate_backend, a DROP DATABASE … FORCE at
    // teardown) is dropped from the pool and the next query opens a new one; without a listener the pool's 'error'
    // would end the thread. Errors of queries in flight still reach their callers.
    this.pool.on('error', () => undefined);
    this.query = sqlOn(this.pool);
  }

  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return transactionOn(this.pool, fn);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * This service's PostgreSQL access: plain `pg`, because a run holds a session-level advisory lock on a connection
 * of its own for as long as it executes (MikroORM stays for migrations and health). Every connection's
 * search_path starts with the recon schema; the sync-service's tables are always named with their schema.
 */
@Injectable()
export class ReconDatabase implements OnApplicationShutdown {
  readonly pool: Pool;
  readonly connection: ReconConnection;
  /** Quoted schema of the source ledger, for SQL text: `"sync"`. */
  readonly syncSchema: string;
  readonly query: Sql;

  constructor(@Inject(RECON_CONFIG) config: ReconConfig) {
    this.connection = { url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA };
    this.pool = reconPool(this.connection, 10 + config.RECON_CONCURRENCY);
    this.syncSchema = `"${config.SYNC_DATABASE_SCHEMA}"`;
    this.query = sqlOn(this.pool);
  }

  /** One transaction: everything `fn` writes commits together or not at all. */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return transactionOn(this.pool, fn);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

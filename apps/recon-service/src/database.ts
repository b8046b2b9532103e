import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { RECON_CONFIG, type ReconConfig } from './config';

/** Runs SQL with `$n` placeholders and returns the rows. */
export type Sql = <T = Record<string, unknown>>(text: string, params?: readonly unknown[]) => Promise<T[]>;

const sqlOn =
  (client: Pool | PoolClient): Sql =>
  async <T,>(text: string, params: readonly unknown[] = []) =>
    (await client.query(text, params as unknown[])).rows as T[];

/**
 * This service's PostgreSQL access: plain `pg`, because a run holds a session-level advisory lock on a connection
 * of its own for as long as it executes (MikroORM stays for migrations and health). Every connection's
 * search_path starts with the recon schema; the sync-service's tables are always named with their schema.
 */
@Injectable()
export class ReconDatabase implements OnApplicationShutdown {
  readonly pool: Pool;
  /** Quoted schema of the source ledger, for SQL text: `"sync"`. */
  readonly syncSchema: string;
  readonly query: Sql;

  constructor(@Inject(RECON_CONFIG) config: ReconConfig) {
    // Set at connection start-up, before any query (schema names are validated identifiers in config.ts).
    this.pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: 10 + config.RECON_CONCURRENCY,
      options: `-c search_path=${config.DATABASE_SCHEMA},public`,
    });
    this.syncSchema = `"${config.SYNC_DATABASE_SCHEMA}"`;
    this.query = sqlOn(this.pool);
  }

  /** One transaction: everything `fn` writes commits together or not at all. */
  async transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

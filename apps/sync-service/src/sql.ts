import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '@nestjs/common';
import { Pool } from 'pg';

/** Runs SQL with `?` placeholders inside the current transaction and returns the rows. */
export type Sql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** One transaction, raw SQL: the sync state changes and their outbox rows commit together or not at all. */
export async function inTransaction<T>(em: EntityManager, fn: (sql: Sql) => Promise<T>): Promise<T> {
  return em.fork().transactional(async (tx) => {
    const conn = tx.getConnection();
    const ctx = tx.getTransactionContext();
    const sql: Sql = (text, params = []) => conn.execute(text, params as never[], 'all', ctx) as never;
    return fn(sql);
  });
}

/** Outside a transaction (reads, single statements). */
export function sqlOf(em: EntityManager): Sql {
  return (text, params = []) => em.getConnection().execute(text, params as never[], 'all') as never;
}

/**
 * A statement run by name: node-postgres prepares it once per connection and from then on only binds and
 * executes it. Placeholders are `$n`. Named statements live in the server session, so they need a session
 * per client: a pgbouncer in transaction pooling mode (before 1.21's max_prepared_statements) breaks them.
 */
export interface Statement {
  name: string;
  text: string;
}

/** Runs a prepared statement inside the current transaction and returns its rows. */
export type Prepared = <T = Record<string, unknown>>(statement: Statement, params: unknown[]) => Promise<T[]>;

/**
 * A `pg` pool whose sessions start in the service's schema (a validated identifier in config.ts), set by a
 * statement queued ahead of the session's first query (as the MikroORM pool does; a connection pooler may reject
 * the `options` startup parameter). An idle session that dies (server restart, admin termination) is logged and
 * replaced by the next checkout, rather than crashing the process as an unobserved pool 'error' would.
 */
export function schemaPool(url: string, schema: string, max: number, logger: Logger): Pool {
  const pool = new Pool({ connectionString: url, max });
  pool.on('connect', (client) => {
    client.query(`set search_path to "${schema}", public`).catch((error: Error) => logger.error(`setting search_path failed: ${error.message}`));
  });
  pool.on('error', (error) => logger.warn(`idle database session lost: ${error.message}`));
  return pool;
}

/** One transaction on a `pg` pool: everything `fn` runs commits together or not at all. */
export async function inPgTransaction<T>(pool: Pool, fn: (run: Prepared) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const run: Prepared = async <R,>(statement: Statement, params: unknown[]) =>
    (await client.query({ name: statement.name, text: statement.text, values: params })).rows as R[];
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await fn(run);
    await client.query('commit');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is discarded rather than handed to the next transaction.
    broken = await client.query('rollback').then(() => undefined, (e: unknown) => e as Error);
    throw error;
  } finally {
    client.release(broken);
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';

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

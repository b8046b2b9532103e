import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs SQL with `?` placeholders and returns the rows. MikroORM binds each value as an escaped literal
 * (pg's escapeLiteral), never by string concatenation of ours; arrays bind as comma lists, so array columns
 * take a joined string through string_to_array.
 */
export type Sql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** One transaction, raw SQL: an audit row and its chain head commit together or not at all. */
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

/** A `where` clause built from optional filters; each condition carries its own `?` values. */
export class Where {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  constructor(condition: string, ...values: unknown[]) {
    this.and(condition, ...values);
  }

  and(condition: string, ...values: unknown[]): this {
    this.parts.push(condition);
    this.params.push(...values);
    return this;
  }

  /** Adds the condition only when the value is given. */
  andIf(value: unknown, condition: string): this {
    return value === undefined || value === null || value === '' ? this : this.and(condition, value);
  }

  toString(): string {
    return this.parts.join(' and ');
  }
}

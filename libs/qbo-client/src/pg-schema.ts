import type { Pool } from 'pg';

/**
 * Every table this lib keeps in PostgreSQL, in one statement list; `__SCHEMA__` is replaced by the target schema.
 * Idempotent (IF NOT EXISTS everywhere). The services run it through a MikroORM migration; tests and tools
 * call `ensureQboClientSchema`.
 *
 * - qbo_connection: one row per QuickBooks company; tokens sealed with AES-256-GCM (token-cipher.ts).
 * - qbo_rate_window: requests granted per realm per time bucket (bucket = window / 6), shared by replicas.
 * - qbo_rate_lease: requests in flight per realm; a lease expires on its own if its holder dies.
 */
export const QBO_CLIENT_DDL = `
CREATE SCHEMA IF NOT EXISTS "__SCHEMA__";

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_connection (
  realm_id                      text PRIMARY KEY,
  status                        text NOT NULL CHECK (status IN ('connected', 'error', 'revoked')),
  access_token_sealed           text,
  refresh_token_sealed          text,
  access_token_expires_at       timestamptz,
  refresh_token_expires_at      timestamptz,
  refresh_token_hard_expires_at timestamptz,
  status_reason                 text,
  updated_at                    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_rate_window (
  realm_id        text    NOT NULL,
  bucket_start_ms bigint  NOT NULL,
  request_count   integer NOT NULL CHECK (request_count > 0),
  PRIMARY KEY (realm_id, bucket_start_ms)
);

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_rate_lease (
  lease_id   uuid PRIMARY KEY,
  realm_id   text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS qbo_rate_lease_realm_expires_idx ON "__SCHEMA__".qbo_rate_lease (realm_id, expires_at);
`;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates a schema name for use as a quoted identifier (no user input ever reaches DDL unchecked).
 * @throws RangeError for anything but a lower-case SQL identifier.
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name ${JSON.stringify(schema)}`);
  return schema;
}

export const renderQboClientDdl = (schema: string): string => QBO_CLIENT_DDL.replaceAll('__SCHEMA__', assertSchemaName(schema));

/**
 * Creates the lib's tables in `schema` if missing. Safe to run from several replicas at once
 * (serialised by a transaction-scoped advisory lock, since concurrent CREATE … IF NOT EXISTS can still collide).
 */
export async function ensureQboClientSchema(pool: Pool, schema: string): Promise<void> {
  const ddl = renderQboClientDdl(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('arbiter.qbo-client.ddl', 0))`);
    await client.query(ddl);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

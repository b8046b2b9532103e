import type { Pool } from 'pg';

/**
 * The per-realm request budget shared by replicas (PgRealmBudget), `__SCHEMA__` replaced by the target schema.
 * Idempotent (IF NOT EXISTS, CREATE OR REPLACE).
 *
 * - qbo_rate_realm: one row per realm, locked (FOR UPDATE) by every acquisition so counting and granting are
 *   atomic across replicas; `paused_until` is the shared 429 pause.
 * - qbo_rate_grant: the exact sliding log, one row per granted request: when (`granted_at`), how many units of
 *   the per-minute limit it used (`units`: 1, or a batch's item count when batches count their items), whether it
 *   was a batch request, and its in-flight lease (`lease_expires_at`; NULL once released, ignored once past).
 *   Rows older than the window and no longer in flight are pruned by the acquisition that finds them.
 * - qbo_rate_acquire(...): decides and records one grant in a single round trip; returns the lease id, or how
 *   long to wait and why (`pause`, `in_flight`, `window`, `batch_window`).
 */
export const QBO_RATE_BUDGET_DDL = `
CREATE SCHEMA IF NOT EXISTS "__SCHEMA__";

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_rate_realm (
  realm_id     text PRIMARY KEY,
  paused_until timestamptz NOT NULL DEFAULT '-infinity'
);

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_rate_grant (
  lease_id         uuid PRIMARY KEY,
  realm_id         text        NOT NULL,
  granted_at       timestamptz NOT NULL,
  units            integer     NOT NULL CHECK (units > 0),
  is_batch         boolean     NOT NULL,
  lease_expires_at timestamptz
);

CREATE INDEX IF NOT EXISTS qbo_rate_grant_realm_time_idx ON "__SCHEMA__".qbo_rate_grant (realm_id, granted_at);
CREATE INDEX IF NOT EXISTS qbo_rate_grant_in_flight_idx ON "__SCHEMA__".qbo_rate_grant (realm_id, lease_expires_at)
  WHERE lease_expires_at IS NOT NULL;

CREATE OR REPLACE FUNCTION "__SCHEMA__".qbo_rate_acquire(
  p_realm          text,
  p_lease          uuid,
  p_units          integer,
  p_batch          boolean,
  p_window_ms      integer,
  p_window_limit   integer,
  p_batch_limit    integer,
  p_max_in_flight  integer,
  p_lease_ms       integer,
  p_in_flight_poll integer,
  p_now            timestamptz DEFAULT NULL
) RETURNS TABLE (granted boolean, wait_ms integer, reason text)
LANGUAGE plpgsql AS $fn$
DECLARE
  -- NULL: the database clock, so replicas with skewed clocks still agree on the window.
  v_now    timestamptz := coalesce(p_now, clock_timestamp());
  v_window interval    := make_interval(secs => p_window_ms / 1000.0);
  v_paused timestamptz;
  v_used   integer;
  v_count  integer;
  v_free   timestamptz;
BEGIN
  INSERT INTO "__SCHEMA__".qbo_rate_realm (realm_id) VALUES (p_realm) ON CONFLICT (realm_id) DO NOTHING;
  SELECT r.paused_until INTO v_paused FROM "__SCHEMA__".qbo_rate_realm r WHERE r.realm_id = p_realm FOR UPDATE;

  IF v_paused > v_now THEN
    RETURN QUERY SELECT false, greatest(1, ceil(extract(epoch FROM v_paused - v_now) * 1000))::integer, 'pause'::text;
    RETURN;
  END IF;

  SELECT count(*) INTO v_count FROM "__SCHEMA__".qbo_rate_grant g
   WHERE g.realm_id = p_realm AND g.lease_expires_at > v_now;
  IF v_count >= p_max_in_flight THEN
    RETURN QUERY SELECT false, p_in_flight_poll, 'in_flight'::text;
    RETURN;
  END IF;

  -- A grant at t counts in the window while now - window < t, i.e. it leaves at t + window.
  SELECT coalesce(sum(g.units), 0) INTO v_used FROM "__SCHEMA__".qbo_rate_grant g
   WHERE g.realm_id = p_realm AND g.granted_at > v_now - v_window;
  IF v_used + p_units > p_window_limit THEN
    -- Free once the oldest grants holding (used + units - limit) units have left the window.
    SELECT w.granted_at INTO v_free FROM (
      SELECT g.granted_at, sum(g.units) OVER (ORDER BY g.granted_at, g.lease_id) AS upto
        FROM "__SCHEMA__".qbo_rate_grant g
       WHERE g.realm_id = p_realm AND g.granted_at > v_now - v_window) w
     WHERE w.upto >= v_used + p_units - p_window_limit
     ORDER BY w.upto LIMIT 1;
    RETURN QUERY SELECT false, greatest(1, ceil(extract(epoch FROM v_free + v_window - v_now) * 1000))::integer, 'window'::text;
    RETURN;
  END IF;

  IF p_batch THEN
    SELECT count(*) INTO v_count FROM "__SCHEMA__".qbo_rate_grant g
     WHERE g.realm_id = p_realm AND g.is_batch AND g.granted_at > v_now - v_window;
    IF v_count >= p_batch_limit THEN
      SELECT g.granted_at INTO v_free FROM "__SCHEMA__".qbo_rate_grant g
       WHERE g.realm_id = p_realm AND g.is_batch AND g.granted_at > v_now - v_window
       ORDER BY g.granted_at OFFSET v_count - p_batch_limit LIMIT 1;
      RETURN QUERY SELECT false, greatest(1, ceil(extract(epoch FROM v_free + v_window - v_now) * 1000))::integer, 'batch_window'::text;
      RETURN;
    END IF;
  END IF;

  INSERT INTO "__SCHEMA__".qbo_rate_grant (lease_id, realm_id, granted_at, units, is_batch, lease_expires_at)
  VALUES (p_lease, p_realm, v_now, p_units, p_batch, v_now + make_interval(secs => p_lease_ms / 1000.0));
  -- Nothing older than the window counts any more, and released or expired leases hold no slot.
  DELETE FROM "__SCHEMA__".qbo_rate_grant g
   WHERE g.realm_id = p_realm AND g.granted_at <= v_now - v_window
     AND (g.lease_expires_at IS NULL OR g.lease_expires_at <= v_now);
  RETURN QUERY SELECT true, 0, 'granted'::text;
END
$fn$;
`;

/**
 * Every table and function this lib keeps in PostgreSQL; `__SCHEMA__` is replaced by the target schema.
 * Idempotent. The services create them through MikroORM migrations (which freeze the SQL of their time);
 * tests and tools call `ensureQboClientSchema`.
 *
 * - qbo_connection: one row per QuickBooks company; tokens sealed with AES-256-GCM (token-cipher.ts).
 * - the rate budget: see QBO_RATE_BUDGET_DDL.
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
${QBO_RATE_BUDGET_DDL}`;

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

/** The rate budget's tables and function only (for a migration that replaces an older budget). */
export const renderQboRateBudgetDdl = (schema: string): string => QBO_RATE_BUDGET_DDL.replaceAll('__SCHEMA__', assertSchemaName(schema));

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

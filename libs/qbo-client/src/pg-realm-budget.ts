import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { assertSchemaName, ensureQboClientSchema } from './pg-schema';
import { type BudgetDecision, effectiveWindowLimit, type RealmBudget, type RealmLimits, resolveLimits } from './realm-budget';

/** The window is counted in this many buckets; a sliding window always fits in BUCKETS + 1 consecutive ones. */
const BUCKETS = 6;

export interface PgRealmBudgetOptions {
  pool: Pool;
  limits?: Partial<RealmLimits>;
  /** Default `public`. */
  schema?: string;
  /**
   * How long an in-flight lease lives if its holder never releases it (crash), milliseconds. Must exceed the
   * longest request (connect + headers + body timeouts). Default 150 s.
   */
  leaseTtlMs?: number;
  /** How soon to ask again when every in-flight slot is taken by another replica, milliseconds. Default 100. */
  inFlightPollMs?: number;
}

/**
 * A RealmBudget in PostgreSQL shared by every replica. Time comes from the database clock
 * (`clock_timestamp()`), so replicas with skewed clocks still agree on windows.
 *
 * Window: requests are counted per realm in buckets of window/6 in `qbo_rate_window`, incremented with
 * `INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING`. A grant is allowed only while the current bucket
 * plus the previous six sum below the effective limit. Any sliding window of `windowMs` lies inside seven
 * consecutive buckets, so no sliding window ever holds more than the limit (at the cost of granting a
 * little less than the limit over a 60–70 s span).
 *
 * In flight: one row per request in `qbo_rate_lease`, deleted on release, ignored once expired.
 *
 * Each acquisition is one short transaction under a per-realm advisory lock, so counting and granting are atomic.
 */
export class PgRealmBudget implements RealmBudget {
  readonly limits: RealmLimits;
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly leaseTtlMs: number;
  private readonly inFlightPollMs: number;
  private readonly bucketMs: number;
  private readonly windowLimit: number;

  constructor(options: PgRealmBudgetOptions) {
    this.pool = options.pool;
    this.limits = resolveLimits(options.limits);
    this.schema = assertSchemaName(options.schema ?? 'public');
    this.leaseTtlMs = options.leaseTtlMs ?? 150_000;
    this.inFlightPollMs = options.inFlightPollMs ?? 100;
    this.bucketMs = Math.ceil(this.limits.windowMs / BUCKETS);
    this.windowLimit = effectiveWindowLimit(this.limits);
  }

  ensureSchema(): Promise<void> {
    return ensureQboClientSchema(this.pool, this.schema);
  }

  async tryAcquire(realmId: string): Promise<BudgetDecision> {
    const win = `"${this.schema}".qbo_rate_window`;
    const lease = `"${this.schema}".qbo_rate_lease`;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const {
        rows: [clock],
      } = await client.query<{ now_ms: string }>(
        `SELECT pg_advisory_xact_lock(hashtextextended($1, 0)),
                floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms`,
        [`arbiter.qbo.budget:${realmId}`],
      );
      const nowMs = Number(clock.now_ms);
      const current = Math.floor(nowMs / this.bucketMs) * this.bucketMs;
      const oldest = current - BUCKETS * this.bucketMs;

      const {
        rows: [inFlight],
      } = await client.query<{ n: number }>(
        `WITH expired AS (DELETE FROM ${lease} WHERE realm_id = $1 AND expires_at <= clock_timestamp() RETURNING 1)
         SELECT count(*)::int AS n FROM ${lease} WHERE realm_id = $1 AND expires_at > clock_timestamp()`,
        [realmId],
      );
      if (inFlight.n >= this.limits.maxInFlight) {
        await client.query('COMMIT'); // keep the expired-lease cleanup
        return { granted: false, reason: 'in_flight', retryAfterMs: this.inFlightPollMs };
      }

      const counted = await client.query<{ request_count: number }>(
        `WITH recent AS (
           SELECT coalesce(sum(request_count), 0)::int AS used
             FROM ${win} WHERE realm_id = $1 AND bucket_start_ms >= $3 AND bucket_start_ms < $2)
         INSERT INTO ${win} AS w (realm_id, bucket_start_ms, request_count)
         SELECT $1, $2, 1 FROM recent WHERE recent.used < $4
         ON CONFLICT (realm_id, bucket_start_ms) DO UPDATE
           SET request_count = w.request_count + 1
           WHERE w.request_count + (SELECT used FROM recent) < $4
         RETURNING request_count`,
        [realmId, current, oldest, this.windowLimit],
      );
      if (counted.rowCount === 0) {
        const {
          rows: [first],
        } = await client.query<{ first_ms: string | null }>(
          `SELECT min(bucket_start_ms)::text AS first_ms FROM ${win} WHERE realm_id = $1 AND bucket_start_ms >= $2`,
          [realmId, oldest],
        );
        await client.query('COMMIT');
        const firstBucket = first.first_ms === null ? current : Number(first.first_ms);
        // The window frees up once that oldest bucket is out of the seven-bucket span.
        const freeAt = firstBucket + (BUCKETS + 1) * this.bucketMs;
        return { granted: false, reason: 'window', retryAfterMs: Math.max(1, freeAt - nowMs) };
      }
      if (counted.rows[0].request_count === 1) {
        // First grant in a new bucket: drop buckets no window can reach any more.
        await client.query(`DELETE FROM ${win} WHERE realm_id = $1 AND bucket_start_ms < $2`, [realmId, oldest - this.bucketMs]);
      }
      const leaseId = randomUUID();
      await client.query(
        `INSERT INTO ${lease} (lease_id, realm_id, expires_at) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))`,
        [leaseId, realmId, this.leaseTtlMs / 1000],
      );
      await client.query('COMMIT');
      return { granted: true, leaseId };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async release(_realmId: string, leaseId: string): Promise<void> {
    await this.pool.query(`DELETE FROM "${this.schema}".qbo_rate_lease WHERE lease_id = $1`, [leaseId]);
  }
}

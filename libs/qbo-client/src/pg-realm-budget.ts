import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Clock } from './clock';
import { assertSchemaName, ensureQboClientSchema } from './pg-schema';
import {
  type BudgetDecision,
  type BudgetRequest,
  effectiveBatchLimit,
  effectiveWindowLimit,
  type RealmBudget,
  type RealmLimits,
  requestUnits,
  resolveLimits,
} from './realm-budget';

export interface PgRealmBudgetOptions {
  pool: Pool;
  limits?: Partial<RealmLimits>;
  /** Default `public`. */
  schema?: string;
  /**
   * How long an in-flight lease lives without renewal, milliseconds: after its holder dies (kill -9, crash), the
   * slot comes back this soon. A live holder renews the leases it holds every `leaseTtlMs / 3` while their requests
   * run, so a long request keeps its slot. Default 15 s.
   */
  leaseTtlMs?: number;
  /** How soon to ask again when every in-flight slot is taken by another replica, milliseconds. Default 100. */
  inFlightPollMs?: number;
  /**
   * Time source for tests (a ManualClock). Default: none, and the database clock (`clock_timestamp()`) decides,
   * so replicas with skewed clocks still agree on windows. Every replica sharing a realm must use the same source.
   */
  clock?: Clock;
}

/**
 * A RealmBudget in PostgreSQL shared by every replica: an exact sliding log (QBO_RATE_BUDGET_DDL).
 *
 * `tryAcquire` is one round trip: `qbo_rate_acquire(...)` locks the realm's `qbo_rate_realm` row, checks the shared
 * 429 pause, the live leases (in flight), the units granted in the last `windowMs` and, for a batch, the batch
 * requests in the last `windowMs`; then it records the grant with its lease, or answers how long to wait (until the
 * pause ends, or until exactly enough old grants leave the window). `release` is one UPDATE; `pause` one upsert.
 * No sliding window of `windowMs` ever holds more than the effective limit, and a saturated realm gets exactly that
 * many per window (no bucket rounding).
 *
 * In flight: each instance renews the leases it holds (one UPDATE for all of them) every third of the lease TTL,
 * so only a dead holder's leases lapse, and they lapse within the TTL instead of freezing the realm's slots.
 */
export class PgRealmBudget implements RealmBudget {
  readonly limits: RealmLimits;
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly leaseTtlMs: number;
  private readonly inFlightPollMs: number;
  private readonly windowLimit: number;
  private readonly batchLimit: number;
  private readonly clock?: Clock;
  private readonly held = new Set<string>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(options: PgRealmBudgetOptions) {
    this.pool = options.pool;
    this.limits = resolveLimits(options.limits);
    this.schema = assertSchemaName(options.schema ?? 'public');
    this.leaseTtlMs = options.leaseTtlMs ?? 15_000;
    this.inFlightPollMs = options.inFlightPollMs ?? 100;
    this.windowLimit = effectiveWindowLimit(this.limits);
    this.batchLimit = effectiveBatchLimit(this.limits);
    this.clock = options.clock;
    for (const [name, value] of [['leaseTtlMs', this.leaseTtlMs], ['inFlightPollMs', this.inFlightPollMs]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
    }
  }

  ensureSchema(): Promise<void> {
    return ensureQboClientSchema(this.pool, this.schema);
  }

  async tryAcquire(realmId: string, request: BudgetRequest = {}): Promise<BudgetDecision> {
    const leaseId = randomUUID();
    const {
      rows: [row],
    } = await this.pool.query<{ granted: boolean; wait_ms: number; reason: string }>(
      `SELECT granted, wait_ms, reason FROM "${this.schema}".qbo_rate_acquire($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        realmId,
        leaseId,
        Math.min(requestUnits(this.limits, request), this.windowLimit),
        request.batchItems !== undefined,
        this.limits.windowMs,
        this.windowLimit,
        this.batchLimit,
        this.limits.maxInFlight,
        this.leaseTtlMs,
        this.inFlightPollMs,
        this.clockNow(),
      ],
    );
    if (row.granted) {
      this.held.add(leaseId);
      this.startHeartbeat();
      return { granted: true, leaseId };
    }
    return { granted: false, retryAfterMs: row.wait_ms, reason: row.reason as Exclude<BudgetDecision, { granted: true }>['reason'] };
  }

  async release(_realmId: string, leaseId: string): Promise<void> {
    this.held.delete(leaseId);
    if (this.held.size === 0) this.stopHeartbeat();
    await this.pool.query(`UPDATE "${this.schema}".qbo_rate_grant SET lease_expires_at = NULL WHERE lease_id = $1 AND lease_expires_at IS NOT NULL`, [leaseId]);
  }

  /** Stops renewing: the leases still held lapse within the TTL (what a crash looks like to other replicas). */
  close(): void {
    this.held.clear();
    this.stopHeartbeat();
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseTtlMs / 3)));
    this.heartbeat.unref(); // never what keeps a process alive
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    await this.pool
      .query(
        `UPDATE "${this.schema}".qbo_rate_grant SET lease_expires_at = coalesce($3::timestamptz, clock_timestamp()) + make_interval(secs => $2::double precision / 1000.0)
         WHERE lease_id = ANY($1::uuid[]) AND lease_expires_at IS NOT NULL`,
        [[...this.held], this.leaseTtlMs, this.clockNow()],
      )
      .catch(() => undefined); // the database is away: the leases may lapse, and a few more requests than the limit may start
  }

  /** The injected clock's time (millisecond precision), or null for the database clock. */
  private clockNow(): Date | null {
    return this.clock ? new Date(this.clock.now()) : null;
  }

  /** Holds back every replica's requests for the realm for `ms` (a pause already longer is kept). */
  async pause(realmId: string, ms: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO "${this.schema}".qbo_rate_realm AS r (realm_id, paused_until)
       VALUES ($1, coalesce($3::timestamptz, clock_timestamp()) + make_interval(secs => $2::double precision / 1000.0))
       ON CONFLICT (realm_id) DO UPDATE SET paused_until = greatest(r.paused_until, excluded.paused_until)`,
      [realmId, Math.max(0, ms), this.clockNow()],
    );
  }
}

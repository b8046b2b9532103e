import { ManualClock } from '../src/manual-clock';
import { PgRealmBudget, type PgRealmBudgetOptions } from '../src/pg-realm-budget';
import type { BudgetDecision, RealmLimits } from '../src/realm-budget';
import { RealmRateLimiter } from '../src/realm-rate-limiter';
import { createTestDatabase, type TestDatabase } from './pg-test-database';

const SCHEMA = 'arbiter_qbo';
const T0 = Date.parse('2026-12-07T12:00:00.000Z');

/** The largest number of grants inside any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

const leaseOf = (d: BudgetDecision): string => {
  if (!d.granted) throw new Error(`expected a grant, got ${d.reason} (wait ${d.retryAfterMs} ms)`);
  return d.leaseId;
};

describe(PgRealmBudget.name, () => {
  let db: TestDatabase;
  let clock: ManualClock;
  let realmSeq = 0;
  /** A fresh realm per test, so tests share the database but not a window. */
  const realm = () => `realm-${++realmSeq}`;
  /** One replica: its own pool, the shared database and the test's manual clock. */
  const replica = (limits: Partial<RealmLimits>, extra: Partial<PgRealmBudgetOptions> = {}) =>
    new PgRealmBudget({ pool: db.pool(4), schema: SCHEMA, limits, clock, ...extra });

  beforeAll(async () => {
    db = await createTestDatabase('budget');
    const pool = db.pool(4);
    // Replicas start together: concurrent ensureSchema must not collide.
    await Promise.all([0, 1, 2].map(() => new PgRealmBudget({ pool, schema: SCHEMA }).ensureSchema()));
  });

  beforeEach(() => {
    clock = new ManualClock(T0);
  });

  afterAll(() => db?.drop());

  it('two replicas saturating one realm at the real limits: ≤ 480 in every sliding 60 s, ≥ 475 in every whole minute', async () => {
    const replicas = [replica({}), replica({})]; // 500/min less the 4 % margin = 480, 10 in flight
    const r = realm();
    const grants: number[] = [];
    // Three minutes in 1 s steps; each step both replicas take what they are given and finish at once.
    for (let step = 0; step < 180; step++) {
      for (const budget of replicas) {
        for (;;) {
          const d = await budget.tryAcquire(r);
          if (!d.granted) {
            expect(d.reason).toBe('window');
            break;
          }
          grants.push(clock.now());
          await budget.release(r, d.leaseId);
        }
      }
      await clock.advance(1_000);
    }

    expect(maxInAnyWindow(grants, 60_000)).toBe(480);
    const perMinute = [0, 1, 2].map((m) => grants.filter((t) => t >= T0 + m * 60_000 && t < T0 + (m + 1) * 60_000).length);
    expect(perMinute).toEqual([480, 480, 480]); // exact log: no bucket rounding loses part of a minute
    const { rows } = await db.pool(1).query(`select count(*)::int as n from ${SCHEMA}.qbo_rate_grant where realm_id = $1`, [r]);
    expect(rows[0].n).toBeLessThanOrEqual(480); // grants older than the window are pruned
  }, 120_000); // ~3,000 round trips: a few seconds alone, more on a loaded CI machine

  it('decides atomically across replicas: a concurrent rush gets exactly the limit, and says exactly when the next slot frees', async () => {
    const limits = { maxRequestsPerWindow: 20, windowMs: 60_000, maxInFlight: 1000, safetyMargin: 0 };
    const [a, b] = [replica(limits), replica(limits)];
    const r = realm();
    const first = await a.tryAcquire(r);
    await clock.advance(1_000);
    const rush = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).tryAcquire(r)));

    expect(leaseOf(first)).toBeTruthy();
    expect(rush.filter((d) => d.granted)).toHaveLength(19);
    expect(rush.find((d) => !d.granted)).toEqual({ granted: false, reason: 'window', retryAfterMs: 59_000 });
    await clock.advance(58_999);
    expect(await b.tryAcquire(r)).toEqual({ granted: false, reason: 'window', retryAfterMs: 1 });
    await clock.advance(1);
    expect((await b.tryAcquire(r)).granted).toBe(true); // the first grant has left the window
    expect((await a.tryAcquire(r)).granted).toBe(false); // the rush's 19 are still in it
  });

  it('caps requests in flight across replicas, frees a slot on release and reclaims one whose holder died', async () => {
    const limits = { maxInFlight: 3, maxRequestsPerWindow: 100, windowMs: 60_000 };
    const [a, b] = [replica(limits, { leaseTtlMs: 150_000, inFlightPollMs: 25 }), replica(limits, { leaseTtlMs: 150_000, inFlightPollMs: 25 })];
    const r = realm();
    const rush = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).tryAcquire(r)));
    const held = rush.filter((d) => d.granted).map(leaseOf);

    expect(held).toHaveLength(3);
    expect(rush.find((d) => !d.granted)).toEqual({ granted: false, reason: 'in_flight', retryAfterMs: 25 });
    await a.release(r, held[0]);
    await a.release(r, held[0]); // idempotent
    expect((await b.tryAcquire(r)).granted).toBe(true);
    expect((await b.tryAcquire(r)).granted).toBe(false);
    // held[1] and held[2] are never released (their replica crashed): the leases lapse after 150 s.
    await clock.advance(150_000);
    const after = await Promise.all([a.tryAcquire(r), b.tryAcquire(r), a.tryAcquire(r)]);
    expect(after.filter((d) => d.granted)).toHaveLength(3);
  });

  it('keeps a live holder\'s slot past the lease TTL by renewing it, and frees it within the TTL once the holder dies', async () => {
    const limits = { maxInFlight: 1, maxRequestsPerWindow: 100, windowMs: 60_000 };
    // The database clock here: the renewals run on real timers.
    const [holder, other] = [0, 1].map(() => new PgRealmBudget({ pool: db.pool(2), schema: SCHEMA, limits, leaseTtlMs: 300 }));
    const r = realm();
    expect((await holder.tryAcquire(r)).granted).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 900)); // three TTLs: only the renewals keep the slot
    expect(await other.tryAcquire(r)).toMatchObject({ granted: false, reason: 'in_flight' });
    holder.close(); // no more renewals: what a killed replica looks like
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await other.tryAcquire(r)).granted).toBe(true);
    other.close();
  });

  it('a 429 seen by one replica pauses the realm for every replica, for as long as asked, and no other realm', async () => {
    const [a, b] = [replica({}), replica({})];
    const [r, other] = [realm(), realm()];
    await a.pause(r, 7_000); // e.g. Retry-After: 7
    await a.pause(r, 2_000); // a shorter pause does not cut the longer one short

    expect(await b.tryAcquire(r)).toEqual({ granted: false, reason: 'pause', retryAfterMs: 7_000 });
    expect((await b.tryAcquire(other)).granted).toBe(true);
    await clock.advance(6_999);
    expect(await a.tryAcquire(r)).toEqual({ granted: false, reason: 'pause', retryAfterMs: 1 });
    await clock.advance(1);
    expect((await b.tryAcquire(r)).granted).toBe(true);
  });

  it("holds another replica's limiter back while the shared pause lasts, then lets it go", async () => {
    const [a, b] = [replica({}), replica({})];
    const r = realm();
    const limiterA = new RealmRateLimiter({ budget: a, clock });
    const limiterB = new RealmRateLimiter({ budget: b, clock });
    limiterA.pause(r, 60_000); // replica A got a 429 with Retry-After: 60; the pause reaches PostgreSQL in the background
    const pausedUntil = async () =>
      (await db.pool(1).query<{ ms: string }>(`select (extract(epoch from paused_until) * 1000)::bigint::text as ms from ${SCHEMA}.qbo_rate_realm where realm_id = $1`, [r])).rows[0]?.ms;
    while ((await pausedUntil()) === undefined) await new Promise((resolve) => setImmediate(resolve));
    expect(Number(await pausedUntil())).toBe(T0 + 60_000);

    let granted = false;
    const waiting = limiterB.acquire(r).then((permit) => {
      granted = true;
      return permit;
    });
    // Limiter B asked the budget, was told "pause, 60 000 ms" and set its timer (beside its queue-wait timer).
    while (clock.pendingTimers < 2) await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(59_999);
    expect(granted).toBe(false);
    await clock.advance(1);
    const permit = await waiting;
    expect(permit.realmId).toBe(r);
    permit.release();
    limiterA.close();
    limiterB.close();
  });

  it('counts a batch as its items by default, and as one request when batchCountsItems is false', async () => {
    const r1 = realm();
    const byItems = replica({ maxRequestsPerWindow: 50, maxInFlight: 100, safetyMargin: 0 });
    leaseOf(await byItems.tryAcquire(r1, { batchItems: 30 }));
    expect(await byItems.tryAcquire(r1, { batchItems: 30 })).toMatchObject({ granted: false, reason: 'window' });
    for (let i = 0; i < 20; i++) leaseOf(await byItems.tryAcquire(r1));
    expect((await byItems.tryAcquire(r1)).granted).toBe(false);

    const r2 = realm();
    const once = replica({ maxRequestsPerWindow: 50, safetyMargin: 0, batchCountsItems: false });
    for (let i = 0; i < 5; i++) leaseOf(await once.tryAcquire(r2, { batchItems: 30 }));
    const { rows } = await db.pool(1).query(`select sum(units)::int as units from ${SCHEMA}.qbo_rate_grant where realm_id = $1`, [r2]);
    expect(rows[0].units).toBe(5);
  });

  it('keeps QuickBooks’ 40 batch requests per minute apart from the 500: the 41st batch waits, single requests do not', async () => {
    const b = replica({ maxInFlight: 1000, safetyMargin: 0, batchCountsItems: false });
    const r = realm();
    for (let i = 0; i < 40; i++) {
      await b.tryAcquire(r, { batchItems: 10 });
      await clock.advance(100);
    }
    const refused = await b.tryAcquire(r, { batchItems: 10 });

    expect(refused).toEqual({ granted: false, reason: 'batch_window', retryAfterMs: 56_000 }); // first batch at T0, now T0 + 4 s
    expect((await b.tryAcquire(r)).granted).toBe(true);
    await clock.advance(56_000);
    expect((await b.tryAcquire(r, { batchItems: 10 })).granted).toBe(true);
    expect(b.limits.maxBatchesPerWindow).toBe(40);
  });

  it('applies the safety margin and keeps realms independent', async () => {
    const b = replica({ maxRequestsPerWindow: 20, windowMs: 60_000, maxInFlight: 100, safetyMargin: 0.1 });
    const [busy, quiet] = [realm(), realm()];
    let granted = 0;
    for (let i = 0; i < 25; i++) if ((await b.tryAcquire(busy)).granted) granted++;

    expect(granted).toBe(18);
    expect((await b.tryAcquire(quiet)).granted).toBe(true);
  });
});

import { PgRealmBudget } from '../src/pg-realm-budget';
import type { BudgetDecision, RealmBudget, RealmLimits } from '../src/realm-budget';
import { RealmRateLimiter } from '../src/realm-rate-limiter';
import { createTestDatabase, type TestDatabase } from './pg-test-database';

const SCHEMA = 'arbiter_qbo';

/** Records when the database granted each slot (as seen right after the grant), for the window check. */
class RecordingBudget implements RealmBudget {
  constructor(
    private readonly inner: PgRealmBudget,
    private readonly grants: number[],
  ) {}
  get limits(): RealmLimits {
    return this.inner.limits;
  }
  async tryAcquire(realmId: string): Promise<BudgetDecision> {
    const d = await this.inner.tryAcquire(realmId);
    if (d.granted) this.grants.push(Date.now());
    return d;
  }
  release(realmId: string, leaseId: string): Promise<void> {
    return this.inner.release(realmId, leaseId);
  }
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe(PgRealmBudget.name, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('budget');
    const pool = db.pool(4);
    // Replicas start together: concurrent ensureSchema must not collide.
    await Promise.all([0, 1, 2].map(() => new PgRealmBudget({ pool, schema: SCHEMA }).ensureSchema()));
  });

  afterAll(() => db?.drop());

  it('two limiters on two pools (two replicas) never exceed the window or the in-flight limit together', async () => {
    const limits = { maxRequestsPerWindow: 20, windowMs: 2000, maxInFlight: 3, safetyMargin: 0 };
    const grants: number[] = [];
    const replicas = [0, 1].map(
      () => new RealmRateLimiter({ budget: new RecordingBudget(new PgRealmBudget({ pool: db.pool(5), schema: SCHEMA, limits, inFlightPollMs: 10 }), grants) }),
    );
    let running = 0;
    let peak = 0;
    const started = Date.now();

    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const permit = await replicas[i % 2].acquire('realm-shared');
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5 + (i % 4) * 5));
        running--;
        permit.release();
      }),
    );
    const elapsed = Date.now() - started;

    expect(grants).toHaveLength(60);
    expect(peak).toBeLessThanOrEqual(3);
    // Grant times are taken just after the database decided; 20 ms absorbs that delay.
    expect(maxInAnyWindow(grants, limits.windowMs - 20)).toBeLessThanOrEqual(20);
    // 60 requests at 20 per 2 s window cannot finish before two full slides.
    expect(elapsed).toBeGreaterThanOrEqual(4000);
    process.stdout.write(`pg budget: 60 grants over 2 replicas in ${elapsed} ms, peak in flight ${peak}, max per window ${maxInAnyWindow(grants, 2000)}\n`);
  });

  it('keeps realms independent: an exhausted realm does not slow another', async () => {
    const limits = { maxRequestsPerWindow: 2, windowMs: 60_000, maxInFlight: 10, safetyMargin: 0 };
    const budget = new PgRealmBudget({ pool: db.pool(2), schema: SCHEMA, limits });

    expect((await budget.tryAcquire('busy')).granted).toBe(true);
    expect((await budget.tryAcquire('busy')).granted).toBe(true);
    const refused = await budget.tryAcquire('busy');
    expect(refused).toMatchObject({ granted: false, reason: 'window' });
    expect(!refused.granted && refused.retryAfterMs).toBeGreaterThan(50_000);
    expect((await budget.tryAcquire('quiet')).granted).toBe(true);
  });

  it('applies the safety margin', async () => {
    const budget = new PgRealmBudget({ pool: db.pool(2), schema: SCHEMA, limits: { maxRequestsPerWindow: 20, windowMs: 60_000, maxInFlight: 100, safetyMargin: 0.1 } });
    let granted = 0;
    for (let i = 0; i < 25; i++) if ((await budget.tryAcquire('margin')).granted) granted++;

    expect(granted).toBe(18);
  });

  it('reclaims an in-flight slot whose holder died (lease expiry)', async () => {
    const budget = new PgRealmBudget({ pool: db.pool(2), schema: SCHEMA, limits: { maxInFlight: 1, maxRequestsPerWindow: 100, windowMs: 60_000 }, leaseTtlMs: 300 });

    expect((await budget.tryAcquire('crashy')).granted).toBe(true); // never released
    expect(await budget.tryAcquire('crashy')).toMatchObject({ granted: false, reason: 'in_flight' });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await budget.tryAcquire('crashy')).granted).toBe(true);
  });

  it('frees the slot on release', async () => {
    const budget = new PgRealmBudget({ pool: db.pool(2), schema: SCHEMA, limits: { maxInFlight: 1, maxRequestsPerWindow: 100, windowMs: 60_000 } });

    const first = await budget.tryAcquire('released');
    if (!first.granted) throw new Error('expected a grant');
    await budget.release('released', first.leaseId);
    await budget.release('released', first.leaseId); // idempotent

    expect((await budget.tryAcquire('released')).granted).toBe(true);
  });
});

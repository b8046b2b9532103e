import { ManualClock } from './manual-clock';
import { QboRateLimitedError } from './qbo-errors';
import { type BudgetDecision, InMemoryRealmBudget, type RealmBudget, type RealmLimits } from './realm-budget';
import { type RealmPermit, RealmRateLimiter } from './realm-rate-limiter';

/** Max number of timestamps inside any window of `windowMs` (a grant at t counts in (t - windowMs, t]). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** Callers still queued when a test ends are rejected by `close()`; that is expected, not a failure. */
const background = (p: Promise<unknown>): void => void p.catch(() => undefined);

/** Counts how often the limiter asks the budget (to prove it sleeps instead of spinning). */
class CountingBudget implements RealmBudget {
  calls = 0;
  constructor(private readonly inner: InMemoryRealmBudget) {}
  get limits(): RealmLimits {
    return this.inner.limits;
  }
  tryAcquire(realmId: string): Promise<BudgetDecision> {
    this.calls++;
    return this.inner.tryAcquire(realmId);
  }
  release(realmId: string, leaseId: string): Promise<void> {
    return this.inner.release(realmId, leaseId);
  }
}

function setup(limits: Partial<RealmLimits>, options: { maxQueueWaitMs?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const budget = new CountingBudget(new InMemoryRealmBudget({ safetyMargin: 0, ...limits }, clock));
  const sut = new RealmRateLimiter({ budget, clock, maxQueueWaitMs: options.maxQueueWaitMs ?? 10 * 60_000 });
  return { clock, budget, sut };
}

describe(RealmRateLimiter.name, () => {
  it('never has more than maxInFlight requests running for a realm', async () => {
    const { clock, sut } = setup({ maxInFlight: 3, maxRequestsPerWindow: 1000, windowMs: 60_000 });
    let running = 0;
    let peak = 0;
    let done = 0;
    const work = async (i: number) => {
      const permit = await sut.acquire('r1');
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => clock.setTimer(resolve, 10 + (i % 7) * 13));
      running--;
      done++;
      permit.release();
    };
    const all = Promise.all(Array.from({ length: 40 }, (_, i) => work(i)));
    while (done < 40) await clock.advance(5);
    await all;

    expect(peak).toBe(3);
    expect(done).toBe(40);
  });

  it('never grants more than the window limit in any sliding window, and serves callers in arrival order', async () => {
    const { clock, sut } = setup({ maxInFlight: 100, maxRequestsPerWindow: 10, windowMs: 1000 });
    const grants: Array<{ i: number; at: number }> = [];
    const all = Promise.all(
      Array.from({ length: 35 }, (_, i) =>
        sut.acquire('r1').then((p) => {
          grants.push({ i, at: clock.now() });
          p.release();
        }),
      ),
    );
    for (let t = 0; t < 5000 && grants.length < 35; t += 50) await clock.advance(50);
    await all;

    expect(grants.map((g) => g.i)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(maxInAnyWindow(grants.map((g) => g.at), 1000)).toBe(10);
    // 35 requests at 10 per second need three full window slides.
    expect(grants[34].at - grants[0].at).toBeGreaterThanOrEqual(3000);
    expect(grants[34].at - grants[0].at).toBeLessThan(3100);
  });

  it('keeps a safety margin below QuickBooks\' 500 per minute', async () => {
    const { clock, sut } = setup({ maxInFlight: 1000, maxRequestsPerWindow: 500, windowMs: 60_000, safetyMargin: 0.05 });
    let granted = 0;
    for (let i = 0; i < 600; i++) background(sut.acquire('r1').then((p) => (granted++, p.release())));
    await clock.advance(59_000);

    expect(granted).toBe(475);
    expect(sut.queued('r1')).toBe(125);
    sut.close();
  });

  it('does not let a throttled realm stall the others', async () => {
    const { clock, sut } = setup({ maxInFlight: 10, maxRequestsPerWindow: 5, windowMs: 60_000 });
    const a: RealmPermit[] = [];
    for (let i = 0; i < 50; i++) background(sut.acquire('busy').then((p) => a.push(p)));
    await clock.advance(1);
    expect(a).toHaveLength(5);

    const started = clock.now();
    const b = await sut.acquire('quiet');
    expect(clock.now()).toBe(started);
    expect(b.realmId).toBe('quiet');
    expect(sut.queued('busy')).toBe(45);
    sut.close();
  });

  it('sleeps on timers instead of polling the budget', async () => {
    const { clock, budget, sut } = setup({ maxInFlight: 100, maxRequestsPerWindow: 10, windowMs: 1000 });
    let granted = 0;
    for (let i = 0; i < 30; i++) void sut.acquire('r1').then((p) => (granted++, p.release()));
    await clock.advance(10_000);

    expect(granted).toBe(30);
    // One successful ask per grant plus one refused ask per window slide (and a few from releases racing).
    expect(budget.calls).toBeLessThan(30 + 10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('wakes a waiter as soon as an in-flight slot is released', async () => {
    const { clock, sut } = setup({ maxInFlight: 1, maxRequestsPerWindow: 100, windowMs: 60_000 });
    const first = await sut.acquire('r1');
    let second: RealmPermit | undefined;
    void sut.acquire('r1').then((p) => (second = p));
    await clock.advance(1);
    expect(second).toBeUndefined();

    first.release();
    await clock.advance(0);
    expect(second?.realmId).toBe('r1');
  });

  it('shares one budget between two limiters (two workers in one process)', async () => {
    const clock = new ManualClock(0);
    const budget = new InMemoryRealmBudget({ maxInFlight: 2, maxRequestsPerWindow: 1000, windowMs: 60_000, safetyMargin: 0 }, clock);
    const limiters = [new RealmRateLimiter({ budget, clock }), new RealmRateLimiter({ budget, clock })];
    let running = 0;
    let peak = 0;
    let done = 0;
    const work = async (i: number) => {
      const permit = await limiters[i % 2].acquire('r1');
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => clock.setTimer(resolve, 20));
      running--;
      done++;
      permit.release();
    };
    const all = Promise.all(Array.from({ length: 20 }, (_, i) => work(i)));
    while (done < 20) await clock.advance(5);
    await all;

    expect(peak).toBe(2);
    // Releases in one limiter wake the other: 20 jobs of 20 ms, 2 at a time, take about 200 ms, not minutes.
    expect(clock.now()).toBeLessThanOrEqual(250);
  });

  it('fails a caller that waited longer than maxQueueWaitMs with a transient error', async () => {
    const { clock, sut } = setup({ maxInFlight: 1, maxRequestsPerWindow: 100, windowMs: 60_000 }, { maxQueueWaitMs: 5000 });
    await sut.acquire('r1');
    const waiting = sut.acquire('r1');
    const outcome = waiting.then(
      () => 'granted',
      (e: unknown) => e,
    );
    await clock.advance(5000);

    const error = await outcome;
    expect(error).toBeInstanceOf(QboRateLimitedError);
    expect((error as QboRateLimitedError).transient).toBe(true);
    expect(sut.queued('r1')).toBe(0);
  });

  it('pauses one realm after a 429 without touching the others', async () => {
    const { clock, sut } = setup({ maxInFlight: 10, maxRequestsPerWindow: 100, windowMs: 60_000 });
    sut.pause('r1', 2000);
    let r1: RealmPermit | undefined;
    void sut.acquire('r1').then((p) => (r1 = p));
    const r2 = await sut.acquire('r2');
    await clock.advance(1999);
    expect(r1).toBeUndefined();
    expect(r2.realmId).toBe('r2');

    await clock.advance(1);
    expect(r1?.realmId).toBe('r1');
  });

  it('keeps callers queued while the budget is unavailable and serves them once it is back', async () => {
    const clock = new ManualClock(0);
    const inner = new InMemoryRealmBudget({ safetyMargin: 0 }, clock);
    let down = true;
    const budget: RealmBudget = {
      limits: inner.limits,
      tryAcquire: (r) => (down ? Promise.reject(new Error('connection refused')) : inner.tryAcquire(r)),
      release: (r, l) => inner.release(r, l),
    };
    const sut = new RealmRateLimiter({ budget, clock, budgetErrorBackoffMs: 1000 });
    let permit: RealmPermit | undefined;
    void sut.acquire('r1').then((p) => (permit = p));
    await clock.advance(2500);
    expect(permit).toBeUndefined();

    down = false;
    await clock.advance(1000);
    expect(permit?.realmId).toBe('r1');
  });
});

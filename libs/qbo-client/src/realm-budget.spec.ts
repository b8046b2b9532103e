import { ManualClock } from './manual-clock';
import { effectiveBatchLimit, effectiveWindowLimit, InMemoryRealmBudget, resolveLimits } from './realm-budget';

describe(InMemoryRealmBudget.name, () => {
  it('grants 480 of 500 per sliding minute by default (4 % margin), 38 of 40 batches', () => {
    const limits = resolveLimits();

    expect(effectiveWindowLimit(limits)).toBe(480);
    expect(effectiveBatchLimit(limits)).toBe(38);
  });

  it('counts a batch as its items unless batchCountsItems is false, and caps batch requests per window', async () => {
    const clock = new ManualClock(0);
    const byItems = new InMemoryRealmBudget({ maxRequestsPerWindow: 40, maxInFlight: 100, safetyMargin: 0 }, clock);
    expect((await byItems.tryAcquire('r', { batchItems: 30 })).granted).toBe(true);
    expect(await byItems.tryAcquire('r', { batchItems: 30 })).toEqual({ granted: false, reason: 'window', retryAfterMs: 60_000 });
    expect((await byItems.tryAcquire('r', { batchItems: 10 })).granted).toBe(true);

    const once = new InMemoryRealmBudget({ maxRequestsPerWindow: 500, maxBatchesPerWindow: 3, maxInFlight: 100, safetyMargin: 0, batchCountsItems: false }, clock);
    for (let i = 0; i < 3; i++) {
      expect((await once.tryAcquire('r', { batchItems: 30 })).granted).toBe(true);
      await clock.advance(1_000);
    }
    expect(await once.tryAcquire('r', { batchItems: 30 })).toEqual({ granted: false, reason: 'batch_window', retryAfterMs: 57_000 });
    expect((await once.tryAcquire('r')).granted).toBe(true); // 3 units used of 500: plain requests still go
  });

  it('holds a paused realm back until the pause ends', async () => {
    const clock = new ManualClock(0);
    const sut = new InMemoryRealmBudget({}, clock);
    await sut.pause('r', 5_000);

    expect(await sut.tryAcquire('r')).toEqual({ granted: false, reason: 'pause', retryAfterMs: 5_000 });
    expect((await sut.tryAcquire('other')).granted).toBe(true);
    await clock.advance(5_000);
    expect((await sut.tryAcquire('r')).granted).toBe(true);
  });
});

import { Clock } from './clock';
import { LimitSettings } from './config';
import { RateLimiter } from './limits';

const settings: LimitSettings = {
  enabled: true,
  requestsPerMinute: 5,
  maxInFlight: 2,
  requestsPerSecond: 0,
  batchPerMinute: 1,
  batchMaxItems: 30,
  batchCountsItems: true,
};

describe(RateLimiter.name, () => {
  it('caps requests in flight and frees a slot on release (once)', () => {
    const sut = new RateLimiter(settings, new Clock());
    const a = sut.tryAcquire('r', { units: 1, batch: false });
    const b = sut.tryAcquire('r', { units: 1, batch: false });
    expect(a && b).toBeTruthy();
    expect(sut.tryAcquire('r', { units: 1, batch: false })).toBeUndefined();
    a?.();
    a?.();
    expect(sut.inFlight('r')).toBe(1);
    expect(sut.tryAcquire('r', { units: 1, batch: false })).toBeDefined();
  });

  it('slides a 60 s window; throttled attempts use no budget', () => {
    const clock = new Clock();
    const sut = new RateLimiter({ ...settings, maxInFlight: 0 }, clock);
    for (let i = 0; i < 5; i += 1) sut.tryAcquire('r', { units: 1, batch: false })?.();
    expect(sut.tryAcquire('r', { units: 1, batch: false })).toBeUndefined();
    clock.advance(59_000);
    expect(sut.tryAcquire('r', { units: 1, batch: false })).toBeUndefined();
    clock.advance(1_001);
    expect(sut.tryAcquire('r', { units: 1, batch: false })).toBeDefined();
    expect(sut.tryAcquire('other', { units: 5, batch: false })).toBeDefined();
  });

  it('counts batch items as units and batches separately; per-realm overrides win', () => {
    const sut = new RateLimiter({ ...settings, maxInFlight: 0 }, new Clock());
    expect(sut.tryAcquire('r', { units: 6, batch: true })).toBeUndefined();
    expect(sut.tryAcquire('r', { units: 3, batch: true })).toBeDefined();
    expect(sut.tryAcquire('r', { units: 1, batch: true })).toBeUndefined();
    sut.setRealm('big', { requestsPerMinute: 100 });
    expect(sut.settingsFor('big').requestsPerMinute).toBe(100);
    expect(sut.settingsFor('r').requestsPerMinute).toBe(5);
    sut.setRealm('off', { enabled: false });
    for (let i = 0; i < 20; i += 1) expect(sut.tryAcquire('off', { units: 1, batch: false })).toBeDefined();
  });
});

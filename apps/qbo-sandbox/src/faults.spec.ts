import { Clock } from './clock';
import { FaultInjector, FaultRuleError } from './faults';

const req = { realmId: 'r1', method: 'POST', path: '/invoice' };

describe(FaultInjector.name, () => {
  it('fires a counted rule that many times, for matching requests only', () => {
    const sut = new FaultInjector(new Clock());
    sut.add({ kind: 'status', status: 503, count: 2, realmId: 'r1', pathContains: '/invoice' });
    expect(sut.failureFor({ ...req, path: '/customer' })).toBeUndefined();
    expect(sut.failureFor({ ...req, realmId: 'r2' })).toBeUndefined();
    expect(sut.failureFor(req)).toEqual({ kind: 'status', status: 503 });
    expect(sut.failureFor(req)).toEqual({ kind: 'status', status: 503 });
    expect(sut.failureFor(req)).toBeUndefined();
  });

  it('is deterministic for a seed at a given rate', () => {
    const run = () => {
      const sut = new FaultInjector(new Clock());
      sut.add({ kind: 'throttle', rate: 0.3, seed: 9 });
      return Array.from({ length: 50 }, () => (sut.failureFor(req) ? 1 : 0)).join('');
    };
    const first = run();
    expect(run()).toBe(first);
    expect(first).toContain('1');
    expect(first).toContain('0');
  });

  it('expires rules after durationMs and sums latency', () => {
    const clock = new Clock();
    const sut = new FaultInjector(clock);
    sut.add({ kind: 'drop', durationMs: 1000 });
    sut.add({ kind: 'latency', latencyMs: 100 });
    sut.add({ kind: 'latency', latencyMs: 50, method: 'POST' });
    expect(sut.latencyFor(req)).toBe(150);
    expect(sut.latencyFor({ ...req, method: 'GET' })).toBe(100);
    expect(sut.shouldDrop(req)).toBe(true);
    clock.advance(1001);
    expect(sut.shouldDrop(req)).toBe(false);
  });

  it('refuses invalid rules', () => {
    const sut = new FaultInjector(new Clock());
    expect(() => sut.add({ kind: 'status', status: 200 })).toThrow(FaultRuleError);
    expect(() => sut.add({ kind: 'latency' })).toThrow(FaultRuleError);
    expect(() => sut.add({ kind: 'throttle', rate: 1.5 })).toThrow(FaultRuleError);
  });
});

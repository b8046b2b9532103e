import { QboRateLimitedError, QboServerError, QboStaleObjectError, QboUncertainWriteError, QboValidationError } from './qbo-errors';
import { RetryPolicy } from './retry-policy';

describe(RetryPolicy.name, () => {
  it('draws full-jitter delays within [0, min(max, base·2^(n-1))]', () => {
    const low = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }, () => 0);
    const high = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }, () => 0.999999);

    expect([1, 2, 3, 4, 5, 6].map((n) => low.backoffMs(n))).toEqual([0, 0, 0, 0, 0, 0]);
    expect([1, 2, 3, 4, 5, 6].map((n) => high.backoffMs(n))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('spreads delays over the whole range (random draws stay in bounds)', () => {
    const sut = new RetryPolicy({ baseDelayMs: 100, maxDelayMs: 10_000 });
    const delays = Array.from({ length: 500 }, () => sut.backoffMs(3));

    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  it('retries transient errors until maxAttempts, then stops', () => {
    const sut = new RetryPolicy({ maxAttempts: 3 }, () => 0.5);
    const error = new QboServerError({ httpStatus: 503 });

    expect(sut.decide(error, 1).retry).toBe(true);
    expect(sut.decide(error, 2).retry).toBe(true);
    expect(sut.decide(error, 3).retry).toBe(false);
  });

  it('never retries permanent or uncertain errors', () => {
    const sut = new RetryPolicy({}, () => 0.5);

    expect(sut.decide(new QboValidationError({ code: '2020' }), 1)).toEqual({ retry: false });
    expect(sut.decide(new QboStaleObjectError({ code: '5010' }), 1)).toEqual({ retry: false });
    expect(sut.decide(new QboUncertainWriteError({}), 1)).toEqual({ retry: false });
  });

  it('honours Retry-After, adding less than one base delay of jitter', () => {
    const sut = new RetryPolicy({ baseDelayMs: 250 }, () => 0.5);
    const decision = sut.decide(new QboRateLimitedError({ httpStatus: 429, retryAfterMs: 7000 }), 1);

    expect(decision).toEqual({ retry: true, delayMs: 7125 });
  });

  it('hands a Retry-After longer than maxRetryAfterMs back to the caller', () => {
    const sut = new RetryPolicy({ maxRetryAfterMs: 60_000 });

    expect(sut.decide(new QboRateLimitedError({ httpStatus: 429, retryAfterMs: 61_000 }), 1)).toEqual({ retry: false });
  });

  it('backs off longer after a 429 without Retry-After', () => {
    const sut = new RetryPolicy({ baseDelayMs: 100, rateLimitedBaseDelayMs: 5000, maxDelayMs: 60_000 }, () => 0.999999);
    const decision = sut.decide(new QboRateLimitedError({ httpStatus: 429 }), 1);

    expect(decision.retry && decision.delayMs).toBe(4999);
  });

  it('does not requeue a caller whose local queue wait already timed out', () => {
    expect(new RetryPolicy().decide(new QboRateLimitedError({ realmId: '1' }), 1)).toEqual({ retry: false });
  });
});

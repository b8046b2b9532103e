import { type QboError, QboRateLimitedError, QboTransientError } from './qbo-errors';

export interface RetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  maxAttempts: number;
  /** First backoff ceiling; doubles per attempt (full jitter draws uniformly in [0, ceiling]). */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** First ceiling after a 429 without Retry-After: throttling clears slower than a blip (Intuit says "wait 60 s"). */
  rateLimitedBaseDelayMs: number;
  /** A Retry-After longer than this is not waited out in-process: the error goes to the caller (e.g. redeliver later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  rateLimitedBaseDelayMs: 5_000,
  maxRetryAfterMs: 65_000,
};

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Decides whether and when to retry. Only transient errors are retried; permanent and uncertain-write
 * errors are returned to the caller at once (an uncertain write must be read back, not resent blindly).
 */
export class RetryPolicy {
  readonly options: RetryOptions;

  constructor(options: Partial<RetryOptions> = {}, private readonly random: () => number = Math.random) {
    this.options = { ...DEFAULT_RETRY_OPTIONS, ...options };
    if (!(this.options.maxAttempts >= 1)) throw new RangeError('maxAttempts must be >= 1');
  }

  /** `attempt` is the 1-based number of the attempt that just failed. */
  decide(error: QboError, attempt: number): RetryDecision {
    if (!(error instanceof QboTransientError)) return { retry: false };
    if (attempt >= this.options.maxAttempts) return { retry: false };
    // Our own queue gave up (no HTTP status): the caller already waited the limiter's maximum; do not queue again.
    if (error instanceof QboRateLimitedError && error.httpStatus === undefined) return { retry: false };
    if (error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > this.options.maxRetryAfterMs) return { retry: false };
      // Honour the server's wait, plus a little jitter so callers told the same time do not return together.
      return { retry: true, delayMs: error.retryAfterMs + Math.floor(this.random() * this.options.baseDelayMs) };
    }
    const base = error instanceof QboRateLimitedError ? this.options.rateLimitedBaseDelayMs : this.options.baseDelayMs;
    return { retry: true, delayMs: this.backoffMs(attempt, base) };
  }

  /** Full jitter: uniform in [0, min(maxDelay, base·2^(attempt−1))]. */
  backoffMs(attempt: number, baseDelayMs = this.options.baseDelayMs): number {
    const ceiling = Math.min(this.options.maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}

import { type Clock, systemClock } from './clock';
import { QboRateLimitedError } from './qbo-errors';
import { type QboLogger, silentLogger } from './qbo-logger';
import type { BudgetRequest, RealmBudget } from './realm-budget';

/** A granted slot: one request counted in the realm's window and one in-flight slot held until `release`. */
export interface RealmPermit {
  readonly realmId: string;
  /** Gives the in-flight slot back. Idempotent; call it in `finally`. */
  release(): void;
}

export interface RealmRateLimiterOptions {
  budget: RealmBudget;
  clock?: Clock;
  logger?: QboLogger;
  /** Longest a caller waits in the queue before failing with QboRateLimitedError (transient). Default 120 s. */
  maxQueueWaitMs?: number;
  /** How long to wait before asking the budget again after it failed (e.g. the database is down). Default 1 s. */
  budgetErrorBackoffMs?: number;
}

interface Waiter {
  request: BudgetRequest;
  resolve(permit: RealmPermit): void;
  reject(error: Error): void;
  timer: unknown;
  settled: boolean;
}

interface RealmQueue {
  realmId: string;
  waiters: Waiter[];
  pumping: boolean;
  /** Set when something changed while a pump was running, so it runs once more. */
  dirty: boolean;
  timer: unknown;
  timerDueAt: number;
  /** No grant before this time (after a 429 told us to back off). */
  pausedUntil: number;
  waitingFor: 'window' | 'batch_window' | 'in_flight' | 'pause' | 'error' | undefined;
}

/**
 * Keeps each realm under its QuickBooks limits by asking the budget before every request.
 * One FIFO queue per realm: callers are served in arrival order, and a realm that is out of budget
 * only delays its own callers. Waiting is timer-driven (the budget says how long), never a spin.
 */
export class RealmRateLimiter {
  private readonly queues = new Map<string, RealmQueue>();
  private readonly clock: Clock;
  private readonly logger: QboLogger;
  private readonly maxQueueWaitMs: number;
  private readonly budgetErrorBackoffMs: number;
  private readonly unsubscribe?: () => void;

  constructor(private readonly options: RealmRateLimiterOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 120_000;
    this.budgetErrorBackoffMs = options.budgetErrorBackoffMs ?? 1_000;
    // Another limiter sharing the budget released a slot: our waiters may proceed now.
    this.unsubscribe = options.budget.onRelease?.((realmId) => this.wake(realmId, 'in_flight'));
  }

  /**
   * Waits for a slot for `realmId`.
   * @throws QboRateLimitedError when no slot came within `maxQueueWaitMs`.
   */
  acquire(realmId: string, request: BudgetRequest = {}): Promise<RealmPermit> {
    const queue = this.queue(realmId);
    return new Promise<RealmPermit>((resolve, reject) => {
      const waiter: Waiter = { request, resolve, reject, timer: undefined, settled: false };
      waiter.timer = this.clock.setTimer(() => {
        if (waiter.settled) return;
        waiter.settled = true;
        const index = queue.waiters.indexOf(waiter);
        if (index >= 0) queue.waiters.splice(index, 1);
        reject(
          new QboRateLimitedError({
            realmId,
            reason: `No QuickBooks request slot for this company within ${this.maxQueueWaitMs} ms; the request can be retried later.`,
          }),
        );
      }, this.maxQueueWaitMs);
      queue.waiters.push(waiter);
      // While a timer is pending the budget has already said "not yet": asking again now would only cost a round trip.
      if (queue.timer === undefined) void this.pump(queue);
    });
  }

  /**
   * Stops granting slots for `realmId` for `ms` (QuickBooks answered 429), here and, through a shared budget,
   * in every replica. Other realms are unaffected.
   */
  pause(realmId: string, ms: number): void {
    const queue = this.queue(realmId);
    queue.pausedUntil = Math.max(queue.pausedUntil, this.clock.now() + ms);
    this.logger.warn(`pausing QuickBooks requests realmId=${realmId} ms=${ms}`);
    this.options.budget.pause?.(realmId, ms).catch((error: Error) => this.logger.warn(`rate budget pause failed realmId=${realmId} error=${error.message}`));
  }

  /** Callers waiting per realm (for metrics). */
  queued(realmId: string): number {
    return this.queues.get(realmId)?.waiters.length ?? 0;
  }

  /** Rejects every waiter and stops timers. */
  close(): void {
    this.unsubscribe?.();
    for (const queue of this.queues.values()) {
      if (queue.timer !== undefined) this.clock.clearTimer(queue.timer);
      queue.timer = undefined;
      for (const waiter of queue.waiters.splice(0)) {
        this.settle(waiter);
        waiter.reject(new QboRateLimitedError({ realmId: queue.realmId, reason: 'The QuickBooks client is shutting down.' }));
      }
    }
  }

  private queue(realmId: string): RealmQueue {
    let queue = this.queues.get(realmId);
    if (!queue) {
      queue = { realmId, waiters: [], pumping: false, dirty: false, timer: undefined, timerDueAt: 0, pausedUntil: 0, waitingFor: undefined };
      this.queues.set(realmId, queue);
    }
    return queue;
  }

  private wake(realmId: string, cause: 'in_flight'): void {
    const queue = this.queues.get(realmId);
    if (!queue || queue.waiters.length === 0) return;
    // A release only helps callers that wait for an in-flight slot; a full window must slide first.
    if (queue.waitingFor !== undefined && queue.waitingFor !== cause) return;
    if (queue.timer !== undefined) {
      this.clock.clearTimer(queue.timer);
      queue.timer = undefined;
    }
    void this.pump(queue);
  }

  private schedule(queue: RealmQueue, ms: number, why: RealmQueue['waitingFor']): void {
    queue.waitingFor = why;
    const dueAt = this.clock.now() + Math.max(1, ms);
    if (queue.timer !== undefined && queue.timerDueAt <= dueAt) return;
    if (queue.timer !== undefined) this.clock.clearTimer(queue.timer);
    queue.timerDueAt = dueAt;
    queue.timer = this.clock.setTimer(() => {
      queue.timer = undefined;
      void this.pump(queue);
    }, Math.max(1, ms));
  }

  private async pump(queue: RealmQueue): Promise<void> {
    if (queue.pumping) {
      queue.dirty = true;
      return;
    }
    queue.pumping = true;
    try {
      do {
        // `dirty` means a release or a new caller arrived while the budget was being asked: the answer that
        // scheduled the timer may be stale, so ask again instead of sleeping on it (no lost wake-ups).
        if (queue.dirty && queue.timer !== undefined) {
          this.clock.clearTimer(queue.timer);
          queue.timer = undefined;
        }
        queue.dirty = false;
        await this.grantWhilePossible(queue);
      } while (queue.dirty && queue.waiters.length > 0);
    } finally {
      queue.pumping = false;
    }
  }

  private async grantWhilePossible(queue: RealmQueue): Promise<void> {
    while (queue.waiters.length > 0) {
      const now = this.clock.now();
      if (queue.pausedUntil > now) return this.schedule(queue, queue.pausedUntil - now, 'pause');
      let decision;
      const head = queue.waiters[0];
      try {
        decision = await this.options.budget.tryAcquire(queue.realmId, head.request);
      } catch (error) {
        this.logger.warn(`rate budget unavailable realmId=${queue.realmId} error=${(error as Error).message}`);
        return this.schedule(queue, this.budgetErrorBackoffMs, 'error');
      }
      if (!decision.granted) return this.schedule(queue, decision.retryAfterMs, decision.reason);
      queue.waitingFor = undefined;
      const permit = this.permit(queue, decision.leaseId);
      const index = queue.waiters.indexOf(head);
      if (index < 0) {
        // The caller gave up while we were asking (and the slot was sized for it): hand it straight back.
        permit.release();
        return;
      }
      queue.waiters.splice(index, 1);
      this.settle(head);
      head.resolve(permit);
    }
  }

  private settle(waiter: Waiter): void {
    waiter.settled = true;
    this.clock.clearTimer(waiter.timer);
  }

  private permit(queue: RealmQueue, leaseId: string): RealmPermit {
    let released = false;
    return {
      realmId: queue.realmId,
      release: () => {
        if (released) return;
        released = true;
        this.options.budget.release(queue.realmId, leaseId).then(
          () => this.wake(queue.realmId, 'in_flight'),
          (error: Error) => this.logger.warn(`rate budget release failed realmId=${queue.realmId} error=${error.message}`),
        );
      },
    };
  }
}

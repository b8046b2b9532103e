import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from './clock';

/**
 * QuickBooks' per-company limits: 500 requests per minute per realm (a batch request counts as one, or as its
 * items when `batchCountsItems`), 40 batch requests per minute per realm, and (2016 policy, still enforced as
 * 429) 10 concurrent requests per realm and app. The budget keeps us under them by `safetyMargin`.
 */
export interface RealmLimits {
  /** Requests allowed in any sliding window of `windowMs`, before the safety margin. */
  maxRequestsPerWindow: number;
  windowMs: number;
  /** Requests allowed in flight at once per realm. */
  maxInFlight: number;
  /** Batch requests allowed in any sliding window of `windowMs`, before the safety margin. */
  maxBatchesPerWindow: number;
  /**
   * Whether a batch request uses one unit of `maxRequestsPerWindow` per item (true) or one in all (false).
   * Intuit counts batch requests toward the 500/min limit without saying how; secondary sources say once.
   */
  batchCountsItems: boolean;
  /**
   * Fraction of the limits kept in reserve (requests QuickBooks counts that we do not, network jitter between our
   * grant and QuickBooks' arrival time). 0.04 grants 480 of 500 per sliding minute: a saturated realm hands each
   * freed slot on a few milliseconds late, so whole measured minutes deliver 479–480 (≥ 95 % of the ceiling).
   */
  safetyMargin: number;
}

export const DEFAULT_REALM_LIMITS: RealmLimits = {
  maxRequestsPerWindow: 500,
  windowMs: 60_000,
  maxInFlight: 10,
  maxBatchesPerWindow: 40,
  batchCountsItems: true,
  safetyMargin: 0.04,
};

/** The number of requests per window the budget actually grants: the limit less the safety margin, at least 1. */
export const effectiveWindowLimit = (limits: RealmLimits): number =>
  Math.max(1, Math.floor(limits.maxRequestsPerWindow * (1 - limits.safetyMargin)));

/** The number of batch requests per window the budget actually grants, at least 1. */
export const effectiveBatchLimit = (limits: RealmLimits): number => Math.max(1, Math.floor(limits.maxBatchesPerWindow * (1 - limits.safetyMargin)));

/** What one request asks of the budget. */
export interface BudgetRequest {
  /** Set for a batch request: the number of items in it. */
  batchItems?: number;
}

/** Units of the per-window limit a request uses (never more than the window allows, or it could never go). */
export const requestUnits = (limits: RealmLimits, request: BudgetRequest = {}): number =>
  request.batchItems !== undefined && limits.batchCountsItems ? Math.max(1, request.batchItems) : 1;

export const resolveLimits = (partial: Partial<RealmLimits> = {}): RealmLimits => {
  const limits = { ...DEFAULT_REALM_LIMITS, ...partial };
  if (!(limits.maxRequestsPerWindow >= 1) || !(limits.windowMs >= 1) || !(limits.maxInFlight >= 1) || !(limits.maxBatchesPerWindow >= 1)) {
    throw new RangeError('realm limits must be positive');
  }
  if (!(limits.safetyMargin >= 0 && limits.safetyMargin < 1)) throw new RangeError('safetyMargin must be in [0, 1)');
  return limits;
};

export type BudgetDecision =
  | { granted: true; leaseId: string }
  | {
      granted: false;
      /** Earliest time worth asking again, in milliseconds from now. */
      retryAfterMs: number;
      /**
       * `in_flight`: wait for a release; `window` / `batch_window`: wait for the window to slide; `pause`: QuickBooks
       * answered 429 and the realm is held back (for every replica sharing the budget).
       */
      reason: 'window' | 'batch_window' | 'in_flight' | 'pause';
    };

/**
 * Where per-realm request counts live. One budget may be shared by several limiters (replicas): each grant
 * consumes one request of the realm's window and one in-flight slot until released.
 */
export interface RealmBudget {
  readonly limits: RealmLimits;
  /** Takes one request (its units, and a batch slot for a batch) and one in-flight slot, or says how long to wait. Never blocks. */
  tryAcquire(realmId: string, request?: BudgetRequest): Promise<BudgetDecision>;
  /** Gives back the in-flight slot (the request stays counted in its window). Idempotent. */
  release(realmId: string, leaseId: string): Promise<void>;
  /** Holds back the realm for `ms` for everyone sharing this budget (QuickBooks answered 429). */
  pause?(realmId: string, ms: number): Promise<void>;
  /** Optional push notification of releases so waiters wake without polling. Returns an unsubscribe. */
  onRelease?(listener: (realmId: string) => void): () => void;
}

interface RealmState {
  /** Grant times and units, oldest first, within the current window. */
  grants: Array<{ at: number; units: number }>;
  used: number;
  /** Batch grant times, oldest first, within the current window. */
  batches: number[];
  inFlight: Set<string>;
  pausedUntil: number;
}

/**
 * An exact sliding-window budget in process memory. Shared by every limiter of one process; for several
 * replicas use PgRealmBudget (or give each realm a single owner, see the README).
 */
export class InMemoryRealmBudget implements RealmBudget {
  readonly limits: RealmLimits;
  private readonly realms = new Map<string, RealmState>();
  private readonly listeners = new Set<(realmId: string) => void>();

  constructor(limits: Partial<RealmLimits> = {}, private readonly clock: Clock = systemClock) {
    this.limits = resolveLimits(limits);
  }

  async tryAcquire(realmId: string, request: BudgetRequest = {}): Promise<BudgetDecision> {
    const now = this.clock.now();
    const state = this.state(realmId);
    const { windowMs } = this.limits;
    // A grant at time t counts in (t - windowMs, t]; drop the ones that have left the window.
    while (state.grants.length > 0 && state.grants[0].at <= now - windowMs) state.used -= (state.grants.shift() as { units: number }).units;
    while (state.batches.length > 0 && state.batches[0] <= now - windowMs) state.batches.shift();
    if (state.pausedUntil > now) return { granted: false, reason: 'pause', retryAfterMs: state.pausedUntil - now };
    if (state.inFlight.size >= this.limits.maxInFlight) {
      return { granted: false, reason: 'in_flight', retryAfterMs: windowMs };
    }
    const limit = effectiveWindowLimit(this.limits);
    const units = Math.min(requestUnits(this.limits, request), limit);
    if (state.used + units > limit) {
      // Free once the oldest grants holding (used + units - limit) units have left the window.
      let upto = 0;
      const oldest = state.grants.find((g) => (upto += g.units) >= state.used + units - limit) as { at: number };
      return { granted: false, reason: 'window', retryAfterMs: oldest.at + windowMs - now };
    }
    const batchLimit = effectiveBatchLimit(this.limits);
    if (request.batchItems !== undefined && state.batches.length >= batchLimit) {
      return { granted: false, reason: 'batch_window', retryAfterMs: state.batches[state.batches.length - batchLimit] + windowMs - now };
    }
    const leaseId = randomUUID();
    state.grants.push({ at: now, units });
    state.used += units;
    if (request.batchItems !== undefined) state.batches.push(now);
    state.inFlight.add(leaseId);
    return { granted: true, leaseId };
  }

  async pause(realmId: string, ms: number): Promise<void> {
    const state = this.state(realmId);
    state.pausedUntil = Math.max(state.pausedUntil, this.clock.now() + ms);
  }

  async release(realmId: string, leaseId: string): Promise<void> {
    const state = this.realms.get(realmId);
    if (!state?.inFlight.delete(leaseId)) return;
    for (const listener of this.listeners) listener(realmId);
  }

  onRelease(listener: (realmId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private state(realmId: string): RealmState {
    let state = this.realms.get(realmId);
    if (!state) {
      state = { grants: [], used: 0, batches: [], inFlight: new Set(), pausedUntil: 0 };
      this.realms.set(realmId, state);
    }
    return state;
  }
}

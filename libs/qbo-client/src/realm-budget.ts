import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from './clock';

/**
 * QuickBooks' per-company limits: 500 requests per minute per realm and (2016 policy, still enforced as 429)
 * 10 concurrent requests per realm and app. The budget keeps us under them by `safetyMargin`.
 */
export interface RealmLimits {
  /** Requests allowed in any sliding window of `windowMs`, before the safety margin. */
  maxRequestsPerWindow: number;
  windowMs: number;
  /** Requests allowed in flight at once per realm. */
  maxInFlight: number;
  /** Fraction of `maxRequestsPerWindow` kept in reserve (clock skew, requests QuickBooks counts that we do not). */
  safetyMargin: number;
}

export const DEFAULT_REALM_LIMITS: RealmLimits = {
  maxRequestsPerWindow: 500,
  windowMs: 60_000,
  maxInFlight: 10,
  safetyMargin: 0.05,
};

/** The number of requests per window the budget actually grants: the limit less the safety margin, at least 1. */
export const effectiveWindowLimit = (limits: RealmLimits): number =>
  Math.max(1, Math.floor(limits.maxRequestsPerWindow * (1 - limits.safetyMargin)));

export const resolveLimits = (partial: Partial<RealmLimits> = {}): RealmLimits => {
  const limits = { ...DEFAULT_REALM_LIMITS, ...partial };
  if (!(limits.maxRequestsPerWindow >= 1) || !(limits.windowMs >= 1) || !(limits.maxInFlight >= 1)) {
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
      /** `in_flight`: wait for a release; `window`: wait for the window to slide. */
      reason: 'window' | 'in_flight';
    };

/**
 * Where per-realm request counts live. One budget may be shared by several limiters (replicas): each grant
 * consumes one request of the realm's window and one in-flight slot until released.
 */
export interface RealmBudget {
  readonly limits: RealmLimits;
  /** Takes one request and one in-flight slot for the realm, or says how long to wait. Never blocks. */
  tryAcquire(realmId: string): Promise<BudgetDecision>;
  /** Gives back the in-flight slot (the request stays counted in its window). Idempotent. */
  release(realmId: string, leaseId: string): Promise<void>;
  /** Optional push notification of releases so waiters wake without polling. Returns an unsubscribe. */
  onRelease?(listener: (realmId: string) => void): () => void;
}

interface RealmState {
  /** Grant times, oldest first, within the current window. */
  grants: number[];
  inFlight: Set<string>;
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

  async tryAcquire(realmId: string): Promise<BudgetDecision> {
    const now = this.clock.now();
    const state = this.state(realmId);
    // A grant at time t counts in (t - windowMs, t]; drop the ones that have left the window.
    while (state.grants.length > 0 && state.grants[0] <= now - this.limits.windowMs) state.grants.shift();
    if (state.inFlight.size >= this.limits.maxInFlight) {
      return { granted: false, reason: 'in_flight', retryAfterMs: this.limits.windowMs };
    }
    if (state.grants.length >= effectiveWindowLimit(this.limits)) {
      return { granted: false, reason: 'window', retryAfterMs: state.grants[0] + this.limits.windowMs - now };
    }
    const leaseId = randomUUID();
    state.grants.push(now);
    state.inFlight.add(leaseId);
    return { granted: true, leaseId };
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
      state = { grants: [], inFlight: new Set() };
      this.realms.set(realmId, state);
    }
    return state;
  }
}

import { Clock } from './clock';
import { LimitSettings } from './config';

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

interface RealmWindow {
  /** Timestamps (ms) of accepted request units in the last minute, oldest first. */
  minute: number[];
  second: number[];
  batches: number[];
  inFlight: number;
}

export interface AcquireOptions {
  /** Units of the per-minute budget this request uses (batch items when configured). */
  units: number;
  batch: boolean;
}

/**
 * QuickBooks throttling (reference §8): per realm, requests per minute (sliding 60 s window),
 * requests in flight, optionally requests per second, and batch requests per minute. Throttled
 * requests use no budget. Settings are global defaults with per-realm overrides.
 */
export class RateLimiter {
  private readonly overrides = new Map<string, Partial<LimitSettings>>();
  private readonly windows = new Map<string, RealmWindow>();

  constructor(
    private defaults: LimitSettings,
    private readonly clock: Clock,
  ) {}

  settingsFor(realmId: string): LimitSettings {
    return { ...this.defaults, ...this.overrides.get(realmId) };
  }

  globalSettings(): LimitSettings {
    return { ...this.defaults };
  }

  setGlobal(partial: Partial<LimitSettings>): LimitSettings {
    this.defaults = { ...this.defaults, ...partial };
    return this.globalSettings();
  }

  setRealm(realmId: string, partial: Partial<LimitSettings>): LimitSettings {
    this.overrides.set(realmId, { ...this.overrides.get(realmId), ...partial });
    return this.settingsFor(realmId);
  }

  clearRealm(realmId: string): void {
    this.overrides.delete(realmId);
    this.windows.delete(realmId);
  }

  reset(): void {
    this.overrides.clear();
    this.windows.clear();
  }

  inFlight(realmId: string): number {
    return this.windows.get(realmId)?.inFlight ?? 0;
  }

  /**
   * Admits a request or refuses it. The returned release must be called once when the response
   * is finished (it is idempotent).
   * @returns release function, or undefined when the request is throttled
   */
  tryAcquire(realmId: string, options: AcquireOptions): (() => void) | undefined {
    const settings = this.settingsFor(realmId);
    let w = this.windows.get(realmId);
    if (!w) this.windows.set(realmId, (w = { minute: [], second: [], batches: [], inFlight: 0 }));
    const window = w;
    const now = this.clock.now();
    if (settings.enabled) {
      prune(window.minute, now - MINUTE_MS);
      prune(window.second, now - SECOND_MS);
      prune(window.batches, now - MINUTE_MS);
      const units = Math.max(1, options.units);
      if (settings.maxInFlight > 0 && window.inFlight >= settings.maxInFlight) return undefined;
      if (settings.requestsPerMinute > 0 && window.minute.length + units > settings.requestsPerMinute) return undefined;
      if (settings.requestsPerSecond > 0 && window.second.length + units > settings.requestsPerSecond) return undefined;
      if (options.batch && settings.batchPerMinute > 0 && window.batches.length + 1 > settings.batchPerMinute) return undefined;
      for (let i = 0; i < units; i += 1) {
        window.minute.push(now);
        window.second.push(now);
      }
      if (options.batch) window.batches.push(now);
    }
    window.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      window.inFlight -= 1;
    };
  }
}

/** Drops timestamps older than the cut-off from the front of an ascending list. */
function prune(times: number[], cutoff: number): void {
  let n = 0;
  while (n < times.length && times[n] <= cutoff) n += 1;
  if (n > 0) times.splice(0, n);
}

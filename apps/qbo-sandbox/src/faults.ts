import { Clock } from './clock';

/**
 * Fault injection for the QuickBooks API paths (never OAuth or control):
 * - `status`: answer with a 5xx instead of processing (nothing is written);
 * - `throttle`: answer 429 / 3001 (a burst beyond the configured limits);
 * - `latency`: wait before processing (the request counts as in flight meanwhile);
 * - `drop`: process a write, commit it, then destroy the socket without answering.
 * Each rule fires with probability `rate` (default 1, seeded so runs repeat), at most `count`
 * times and until `durationMs` after it was added, for requests matching realm/method/path.
 */
export type FaultKind = 'status' | 'throttle' | 'latency' | 'drop';

export interface FaultRuleInput {
  kind: FaultKind;
  realmId?: string;
  status?: number;
  rate?: number;
  count?: number;
  durationMs?: number;
  latencyMs?: number;
  jitterMs?: number;
  method?: string;
  pathContains?: string;
  seed?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Times still allowed to fire; undefined = unlimited. */
  remaining?: number;
  untilMs?: number;
  fired: number;
}

export interface FaultRequest {
  realmId: string;
  method: string;
  path: string;
}

export class FaultRuleError extends Error {}

/** mulberry32: small, fast, deterministic PRNG for reproducible fault rates. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly rules: FaultRule[] = [];
  private readonly randoms = new Map<string, () => number>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  /** @throws FaultRuleError for an invalid rule */
  add(input: FaultRuleInput): FaultRule {
    const kinds: FaultKind[] = ['status', 'throttle', 'latency', 'drop'];
    if (!kinds.includes(input.kind)) throw new FaultRuleError(`kind must be one of ${kinds.join(', ')}`);
    if (input.kind === 'status' && !(Number.isInteger(input.status) && (input.status as number) >= 500 && (input.status as number) <= 599)) {
      throw new FaultRuleError('status must be a 5xx code for kind "status"');
    }
    if (input.rate !== undefined && !(input.rate >= 0 && input.rate <= 1)) throw new FaultRuleError('rate must be between 0 and 1');
    if (input.count !== undefined && !(Number.isInteger(input.count) && input.count >= 0)) throw new FaultRuleError('count must be a whole number');
    if (input.kind === 'latency' && !(Number.isInteger(input.latencyMs) && (input.latencyMs as number) >= 0)) {
      throw new FaultRuleError('latencyMs is required for kind "latency"');
    }
    const id = String(this.nextId++);
    const rule: FaultRule = {
      ...input,
      id,
      remaining: input.count,
      untilMs: input.durationMs !== undefined ? this.clock.now() + input.durationMs : undefined,
      fired: 0,
    };
    this.rules.push(rule);
    this.randoms.set(id, prng(input.seed ?? Number(id)));
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: string): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    this.randoms.delete(id);
    return true;
  }

  /** Removes every rule, or only those scoped to one realm. */
  clear(realmId?: string): void {
    for (let i = this.rules.length - 1; i >= 0; i -= 1) {
      if (realmId === undefined || this.rules[i].realmId === realmId) {
        this.randoms.delete(this.rules[i].id);
        this.rules.splice(i, 1);
      }
    }
  }

  /** Total injected delay for this request, in ms. */
  latencyFor(req: FaultRequest): number {
    let total = 0;
    for (const rule of this.firing('latency', req)) {
      const jitter = rule.jitterMs ? Math.floor(this.random(rule) * rule.jitterMs) : 0;
      total += (rule.latencyMs ?? 0) + jitter;
    }
    return total;
  }

  /** A failure to answer with instead of processing, if a rule fires. */
  failureFor(req: FaultRequest): { kind: 'throttle' } | { kind: 'status'; status: number } | undefined {
    for (const rule of this.firing('throttle', req, true)) return { kind: 'throttle' };
    for (const rule of this.firing('status', req, true)) return { kind: 'status', status: rule.status as number };
    return undefined;
  }

  /** True when the response to this committed write must be dropped. */
  shouldDrop(req: FaultRequest): boolean {
    for (const _ of this.firing('drop', req, true)) return true;
    return false;
  }

  private random(rule: FaultRule): number {
    let next = this.randoms.get(rule.id);
    if (!next) this.randoms.set(rule.id, (next = prng(rule.seed ?? Number(rule.id))));
    return next();
  }

  private *firing(kind: FaultKind, req: FaultRequest, firstOnly = false): Generator<FaultRule> {
    const now = this.clock.now();
    for (const rule of this.rules) {
      if (rule.kind !== kind) continue;
      if (rule.realmId !== undefined && rule.realmId !== req.realmId) continue;
      if (rule.method && rule.method.toUpperCase() !== req.method.toUpperCase()) continue;
      if (rule.pathContains && !req.path.includes(rule.pathContains)) continue;
      if (rule.untilMs !== undefined && now > rule.untilMs) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if ((rule.rate ?? 1) < 1 && this.random(rule) >= (rule.rate ?? 1)) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      rule.fired += 1;
      yield rule;
      if (firstOnly) return;
    }
  }
}

import { createHash } from 'node:crypto';
import { Clock } from './clock';

export interface StoredResponse {
  status: number;
  body: string | Buffer;
  contentType: string;
}

interface Entry {
  fingerprint: string;
  response: StoredResponse;
  storedAtMs: number;
}

/**
 * `requestid` replay (reference §1.4): the same realm + requestid gets the original status and body
 * back, without the operation running again. A requestid reused for a different request (other
 * method, path or body) is refused (legacy code 600) rather than silently answered with the old
 * response — the safer reading of an UNVERIFIED case. Retention (UNVERIFIED at Intuit) is bounded
 * by age and by a per-realm count, so a long benchmark cannot grow memory without limit.
 */
export class RequestIdCache {
  private readonly realms = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxPerRealm: number,
    private readonly clock: Clock,
  ) {}

  static fingerprint(method: string, path: string, params: URLSearchParams, body: string): string {
    const query = [...params.entries()]
      .filter(([k]) => k !== 'requestid' && k !== 'minorversion')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    return createHash('sha256').update(`${method.toUpperCase()} ${path}?${query}\n${body}`).digest('hex');
  }

  lookup(realmId: string, requestId: string, fingerprint: string): { kind: 'replay'; response: StoredResponse } | { kind: 'conflict' } | undefined {
    const entries = this.realms.get(realmId);
    const entry = entries?.get(requestId);
    if (!entry) return undefined;
    if (this.clock.now() - entry.storedAtMs > this.ttlMs) {
      entries?.delete(requestId);
      return undefined;
    }
    return entry.fingerprint === fingerprint ? { kind: 'replay', response: entry.response } : { kind: 'conflict' };
  }

  store(realmId: string, requestId: string, fingerprint: string, response: StoredResponse): void {
    let entries = this.realms.get(realmId);
    if (!entries) this.realms.set(realmId, (entries = new Map()));
    entries.set(requestId, { fingerprint, response, storedAtMs: this.clock.now() });
    if (entries.size > this.maxPerRealm) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  }

  clear(realmId?: string): void {
    if (realmId === undefined) this.realms.clear();
    else this.realms.delete(realmId);
  }
}

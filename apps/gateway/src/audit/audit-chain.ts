import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The `prev_hash` of a tenant's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one audit event says; exactly these fields are hashed, in canonical JSON. */
export interface AuditEventBody {
  tenantId: string;
  seq: number;
  /** ISO-8601 instant, millisecond precision (what timestamptz gives back unchanged). */
  at: string;
  actorKeyId: string;
  actorRole: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  request: unknown;
  before: unknown;
  after: unknown;
  outcome: string;
}

/** `hash = sha256(prev_hash || canonical_json(row))`, hex; prev_hash is the previous event's hash (hex text). */
export function chainHash(prevHash: string, event: AuditEventBody): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalJson(event), 'utf8').digest('hex');
}

export interface StoredLink {
  seq: number;
  prevHash: string;
  hash: string;
  event: AuditEventBody;
}

export type ChainBreak = { seq: number; reason: string };

/**
 * Walks one tenant's events in `seq` order and returns the first break: a missing or out-of-order `seq`
 * (a removed or reordered row), a `prev_hash` that is not the previous event's hash, or a hash that does
 * not match the row's content (an altered row). Pure; the caller feeds rows page by page.
 */
export class ChainWalker {
  private expectedSeq = 1;
  private prev = GENESIS_HASH;
  broken: ChainBreak | null = null;

  get length(): number {
    return this.expectedSeq - 1;
  }

  get head(): string {
    return this.prev;
  }

  /** Returns false once the chain is broken (stop feeding). */
  feed(link: StoredLink): boolean {
    if (this.broken) return false;
    if (link.seq !== this.expectedSeq) {
      this.broken = {
        seq: this.expectedSeq,
        reason: link.seq > this.expectedSeq ? `event ${this.expectedSeq} is missing (removed)` : `event ${link.seq} is out of order`,
      };
      return false;
    }
    if (link.prevHash !== this.prev) {
      this.broken = { seq: link.seq, reason: `event ${link.seq} does not link to the event before it (reordered or replaced)` };
      return false;
    }
    const recomputed = chainHash(this.prev, link.event);
    if (recomputed !== link.hash) {
      this.broken = { seq: link.seq, reason: `event ${link.seq} was altered: its content does not match its hash` };
      return false;
    }
    this.prev = recomputed;
    this.expectedSeq += 1;
    return true;
  }

  /** The stored head must be where the walk ended: otherwise events at the end were removed (or the head forged). */
  finish(stored: { seq: number; headHash: string } | null): void {
    if (this.broken) return;
    const seq = stored?.seq ?? 0;
    const headHash = stored?.headHash ?? GENESIS_HASH;
    if (seq !== this.length) {
      this.broken = { seq: this.length + 1, reason: `the chain head says ${seq} events but ${this.length} are present (events at the end were removed)` };
    } else if (headHash !== this.prev) {
      this.broken = { seq, reason: 'the chain head hash does not match the last event' };
    }
  }
}

import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { GatewayError, UpstreamProblem } from '../gateway-error';
import { decodeCursor, type Page, pageOf } from '../http/cursor';
import { inTransaction, type Sql, sqlOf, Where } from '../sql';
import { type AuditEventBody, chainHash, ChainWalker, GENESIS_HASH } from './audit-chain';
import { canonicalJson } from './canonical-json';

/** Who acted: an API key (its public id), or `cli` for the bootstrap command. */
export interface AuditActor {
  tenantId: string;
  keyId: string;
  role: string;
}

export interface AuditRecord {
  /** `<resource>.<verb>`, e.g. `problem.resync`, `api_key.created`. */
  action: string;
  targetType?: string;
  targetId?: string;
  request?: unknown;
  before?: unknown;
  after?: unknown;
  /** `ok`, `rejected:<status>:<code>` (a service said no), `failed:<code>`, or `unknown:<code>` (a timeout: it may have happened). */
  outcome: string;
}

export interface AuditEventView {
  seq: number;
  at: string;
  actor: { keyId: string; role: string };
  action: string;
  target: { type: string | null; id: string | null };
  request: unknown;
  before: unknown;
  after: unknown;
  outcome: string;
  prevHash: string;
  hash: string;
}

export interface ChainVerification {
  valid: boolean;
  length: number;
  /** The hash of the last verified event (the stored head when the chain is broken). */
  head: string;
  brokenAt?: number;
  reason?: string;
}

type EventRow = {
  tenant_id: string;
  seq: string | number;
  at: Date;
  actor_key_id: string;
  actor_role: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request: string | null;
  before: string | null;
  after: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
};

const stored = (value: unknown): string | null => (value === undefined || value === null ? null : canonicalJson(value));
const loaded = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function bodyOf(row: EventRow): AuditEventBody {
  return {
    tenantId: row.tenant_id,
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actorKeyId: row.actor_key_id,
    actorRole: row.actor_role,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    request: loaded(row.request),
    before: loaded(row.before),
    after: loaded(row.after),
    outcome: row.outcome,
  };
}

/** The outcome an audit row records for a failed call. */
export function outcomeOf(error: unknown): string {
  if (error instanceof UpstreamProblem) return `rejected:${error.problem.status}:${error.problem.code}`.slice(0, 64);
  if (error instanceof GatewayError) return error.code === 'UPSTREAM_TIMEOUT' ? 'unknown:UPSTREAM_TIMEOUT' : `failed:${error.code}`;
  return 'failed:INTERNAL';
}

/**
 * Appends events to a tenant's chain inside the caller's transaction. The chain head row is locked, so
 * concurrent appends of one tenant are serialised and `seq` has no gaps; tenants do not wait for each other.
 */
export async function appendAuditEvents(sql: Sql, actor: AuditActor, records: AuditRecord[]): Promise<AuditEventBody[]> {
  if (records.length === 0) return [];
  await sql(`insert into audit_chain (tenant_id, seq, head_hash) values (?, 0, ?) on conflict (tenant_id) do nothing`, [actor.tenantId, GENESIS_HASH]);
  const [head] = await sql<{ seq: string; head_hash: string }>(`select seq, head_hash from audit_chain where tenant_id = ? for update`, [actor.tenantId]);
  let seq = Number(head.seq);
  let prev = head.head_hash;
  const at = new Date().toISOString();
  const events: AuditEventBody[] = [];
  const params: unknown[] = [];
  for (const r of records) {
    seq += 1;
    const event: AuditEventBody = {
      tenantId: actor.tenantId,
      seq,
      at,
      actorKeyId: actor.keyId,
      actorRole: actor.role,
      action: r.action,
      targetType: r.targetType ?? null,
      targetId: r.targetId ?? null,
      // Stored as canonical text and read back through JSON.parse, so hashing the parsed value gives the same bytes.
      request: loaded(stored(r.request)),
      before: loaded(stored(r.before)),
      after: loaded(stored(r.after)),
      outcome: r.outcome,
    };
    const hash = chainHash(prev, event);
    params.push(event.tenantId, seq, at, event.actorKeyId, event.actorRole, event.action, event.targetType, event.targetId);
    params.push(stored(event.request), stored(event.before), stored(event.after), event.outcome, prev, hash);
    events.push(event);
    prev = hash;
  }
  await sql(
    `insert into audit_event (tenant_id, seq, at, actor_key_id, actor_role, action, target_type, target_id, request, before, after, outcome, prev_hash, hash)
     values ${records.map(() => '(?, ?, ?::timestamptz, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    params,
  );
  await sql(`update audit_chain set seq = ?, head_hash = ?, updated_at = now() where tenant_id = ?`, [seq, prev, actor.tenantId]);
  return events;
}

/** The append-only, per-tenant, hash-chained record of every action taken through the gateway. */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger(AuditLog.name);

  constructor(private readonly em: EntityManager) {}

  async append(actor: AuditActor, records: AuditRecord | AuditRecord[]): Promise<void> {
    const list = Array.isArray(records) ? records : [records];
    await inTransaction(this.em, (sql) => appendAuditEvents(sql, actor, list));
  }

  /**
   * Runs an action and records it with its outcome: the result as `after` on success, the error code
   * otherwise (a refused or failed attempt is part of the trail too). The call's own error is rethrown.
   */
  async recorded<T>(actor: AuditActor, record: Omit<AuditRecord, 'outcome'>, call: () => Promise<T>, afterOf: (result: T) => unknown = (r) => r): Promise<T> {
    let result: T;
    try {
      result = await call();
    } catch (error) {
      await this.append(actor, { ...record, outcome: outcomeOf(error) }).catch((e: Error) =>
        this.logger.error(`audit append failed action=${record.action} tenant=${actor.tenantId} error=${e.message}`),
      );
      throw error;
    }
    try {
      await this.append(actor, { ...record, after: afterOf(result), outcome: 'ok' });
    } catch (error) {
      // The action happened but is not in the chain: loud, and the caller sees a failure rather than a silent gap.
      this.logger.error(`audit append failed after a completed action action=${record.action} tenant=${actor.tenantId} error=${(error as Error).message}`);
      throw error;
    }
    return result;
  }

  async list(
    tenantId: string,
    q: { limit: number; cursor?: string; action?: string; targetType?: string; targetId?: string; from?: string; to?: string },
  ): Promise<Page<AuditEventView>> {
    const after = decodeCursor(q.cursor, ['number']);
    const where = new Where('tenant_id = ?', tenantId)
      .andIf(q.action, 'action = ?')
      .andIf(q.targetType, 'target_type = ?')
      .andIf(q.targetId, 'target_id = ?')
      .andIf(q.from, 'at >= ?::date')
      .andIf(q.to, 'at < (?::date + 1)')
      .andIf(after?.[0], 'seq < ?');
    const rows = await sqlOf(this.em)<EventRow>(`select * from audit_event where ${where} order by seq desc limit ?`, [...where.params, q.limit + 1]);
    return pageOf(
      rows,
      q.limit,
      (row) => {
        const e = bodyOf(row);
        return {
          seq: e.seq, at: e.at, actor: { keyId: e.actorKeyId, role: e.actorRole }, action: e.action, target: { type: e.targetType, id: e.targetId },
          request: e.request, before: e.before, after: e.after, outcome: e.outcome, prevHash: row.prev_hash, hash: row.hash,
        };
      },
      (row) => [Number(row.seq)],
    );
  }

  /** Recomputes the tenant's whole chain, page by page, and reports the first break. */
  async verify(tenantId: string): Promise<ChainVerification> {
    const sql = sqlOf(this.em);
    const walker = new ChainWalker();
    let last = 0;
    for (;;) {
      const rows = await sql<EventRow>(`select * from audit_event where tenant_id = ? and seq > ? order by seq limit 1000`, [tenantId, last]);
      for (const row of rows) {
        last = Number(row.seq);
        let event: AuditEventBody;
        try {
          event = bodyOf(row);
        } catch {
          walker.broken = { seq: last, reason: `event ${last} was altered: its stored JSON does not parse` };
          break;
        }
        if (!walker.feed({ seq: last, prevHash: row.prev_hash, hash: row.hash, event })) break;
      }
      if (walker.broken || rows.length < 1000) break;
    }
    const [head] = await sql<{ seq: string; head_hash: string }>(`select seq, head_hash from audit_chain where tenant_id = ?`, [tenantId]);
    walker.finish(head ? { seq: Number(head.seq), headHash: head.head_hash } : null);
    if (walker.broken) {
      this.logger.warn(`audit chain broken tenant=${tenantId} seq=${walker.broken.seq} reason=${walker.broken.reason}`);
      return { valid: false, length: walker.length, head: head?.head_hash ?? GENESIS_HASH, brokenAt: walker.broken.seq, reason: walker.broken.reason };
    }
    return { valid: true, length: walker.length, head: walker.head };
  }

  /** The `after` of the first event with this action on this target, if any (e.g. the report hash first verified). */
  async firstAfter(tenantId: string, targetType: string, targetId: string, action: string): Promise<unknown> {
    const [row] = await sqlOf(this.em)<{ after: string | null }>(
      `select after from audit_event where tenant_id = ? and target_type = ? and target_id = ? and action = ? and outcome = 'ok' order by seq limit 1`,
      [tenantId, targetType, targetId, action],
    );
    return row ? loaded(row.after) : undefined;
  }
}

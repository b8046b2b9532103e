import { randomUUID } from 'node:crypto';
import type { SyncEntityType } from '../ledger/sync-work';
import type { Sql } from '../sql';
import { outboxSyncStatus } from './outbox';
import { ProblemCatalog, type ProblemKind } from './problem-kinds';

export interface ProblemReport {
  tenantId: string;
  entityType: SyncEntityType;
  sourceId: string;
  kind: ProblemKind;
  /** Plain language, with the specifics: which record clashes, which SKU, which date. */
  reason: string;
  qboCode?: string;
  qboMessage?: string;
  details?: Record<string, unknown>;
  entityVersion?: number;
}

/**
 * One open problem per document: a repeat of the same failure bumps `attempts` and `last_seen_at`; a
 * different failure replaces kind and reason. The document's link turns `failed` and a `failed` status event
 * is outboxed in the same transaction.
 */
export async function recordProblem(sql: Sql, p: ProblemReport): Promise<string> {
  const actions = ProblemCatalog[p.kind].actions(p.entityType);
  const [row] = await sql<{ id: string; inserted: boolean }>(
    `insert into problem (id, tenant_id, entity_type, source_id, kind, state, reason, qbo_code, qbo_message, attempts, allowed_actions, details, first_seen_at, last_seen_at)
     values (?, ?, ?, ?, ?, 'open', ?, ?, ?, 1, ?::jsonb, ?::jsonb, now(), now())
     on conflict (tenant_id, entity_type, source_id) where state = 'open' do update set
       kind = excluded.kind, reason = excluded.reason, qbo_code = excluded.qbo_code, qbo_message = excluded.qbo_message,
       allowed_actions = excluded.allowed_actions, details = excluded.details, attempts = problem.attempts + 1, last_seen_at = now()
     returning id, (xmax = 0) as inserted`,
    [randomUUID(), p.tenantId, p.entityType, p.sourceId, p.kind, p.reason, p.qboCode ?? null, p.qboMessage ?? null, JSON.stringify(actions), JSON.stringify(p.details ?? null)],
  );
  await sql(
    `insert into sync_link (tenant_id, entity_type, source_id, status, updated_at) values (?, ?, ?, 'failed', now())
     on conflict (tenant_id, entity_type, source_id) do update set status = 'failed', updated_at = now()`,
    [p.tenantId, p.entityType, p.sourceId],
  );
  if (row.inserted) {
    await outboxSyncStatus(sql, {
      tenantId: p.tenantId,
      entityType: p.entityType,
      sourceId: p.sourceId,
      status: 'failed',
      entityVersion: p.entityVersion,
      problem: { code: p.kind, message: p.reason.slice(0, 2000), qboErrorCode: p.qboCode },
    });
  }
  return row.id;
}

/** Closes the document's open problem once it synced (kept in history as resolved). */
export async function resolveProblem(sql: Sql, tenantId: string, entityType: SyncEntityType, sourceId: string, by: string): Promise<void> {
  await sql(
    `update problem set state = 'resolved', resolved_at = now(), resolved_by = ? where tenant_id = ? and entity_type = ? and source_id = ? and state = 'open'`,
    [by, tenantId, entityType, sourceId],
  );
}

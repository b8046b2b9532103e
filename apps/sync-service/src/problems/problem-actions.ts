import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { SyncEntityType } from '../ledger/sync-work';
import { outboxSyncStatus } from '../push/outbox';
import { QboAccess } from '../qbo/qbo-access';
import { inTransaction, type Sql } from '../sql';

export interface Actor {
  /** Who did it: an API key id, a user, "sync" for the system. */
  id: string;
  role?: string;
}

export class ActionError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'NOT_ALLOWED' | 'INVALID', message: string) {
    super(message);
    this.name = 'ActionError';
  }
}

export interface DocumentState {
  tenantId: string;
  entityType: SyncEntityType;
  sourceId: string;
  syncStatus: string;
  qboId: string | null;
  pushedVersion: number | null;
  pushedAt: string | null;
  problem: { id: string; kind: string; state: string; reason: string; attempts: number } | null;
  queued: boolean;
}

type ProblemRow = { id: string; tenant_id: string; entity_type: SyncEntityType; source_id: string; kind: string; state: string };

/** Kinds a new mapping can fix: documents parked on them are retried after a mapping changes. */
const MAPPING_FIXES = ['duplicate_match', 'duplicate_name', 'missing_sku', 'item_not_found', 'duplicate_item', 'invalid_reference', 'dependency_missing'];

/**
 * What controllers do with problems and links (CONTRACT.md §2), as service operations the gateway calls.
 * Every action checks the tenant, is idempotent (repeating it changes nothing more and emits no second
 * event), is recorded with who did it, and returns the document's new state.
 */
@Injectable()
export class ProblemActions {
  private readonly logger = new Logger(ProblemActions.name);

  constructor(
    private readonly em: EntityManager,
    private readonly qbo: QboAccess,
  ) {}

  /** Retry now: the document goes back on the queue, due immediately; its problem stays open until it syncs. */
  async resync(tenantId: string, problemId: string, actor: Actor): Promise<DocumentState> {
    return inTransaction(this.em, async (sql) => {
      const p = await this.problem(sql, tenantId, problemId);
      await this.enqueue(sql, p.tenant_id, p.entity_type, p.source_id, 'resync');
      await this.record(sql, p, 'resync', actor);
      return this.state(sql, tenantId, p.entity_type, p.source_id);
    });
  }

  /** Drop from the queue without syncing; the problem is kept in history as `cleared`. */
  async clear(tenantId: string, problemId: string, actor: Actor): Promise<DocumentState> {
    return inTransaction(this.em, async (sql) => {
      const p = await this.problem(sql, tenantId, problemId);
      if (p.state === 'open') {
        await sql(`update problem set state = 'cleared', resolved_at = now(), resolved_by = ? where id = ?`, [actor.id, p.id]);
        await this.setStatus(sql, p, 'cleared');
        await sql(`delete from sync_job where tenant_id = ? and entity_type = ? and source_id = ?`, [p.tenant_id, p.entity_type, p.source_id]);
        await outboxSyncStatus(sql, { tenantId, entityType: p.entity_type, sourceId: p.source_id, status: 'cleared' });
        await this.record(sql, p, 'clear', actor);
      }
      return this.state(sql, tenantId, p.entity_type, p.source_id);
    });
  }

  /** Invoices only: paid outside the system; marked paid and never synced. */
  async markPaid(tenantId: string, problemId: string, actor: Actor): Promise<DocumentState> {
    return inTransaction(this.em, async (sql) => {
      const p = await this.problem(sql, tenantId, problemId);
      if (p.entity_type !== 'invoice') throw new ActionError('NOT_ALLOWED', 'only invoices can be marked paid');
      if (p.state === 'open') {
        await sql(`update problem set state = 'cleared', resolved_at = now(), resolved_by = ? where id = ?`, [actor.id, p.id]);
        await this.setStatus(sql, p, 'marked_paid');
        await sql(`delete from sync_job where tenant_id = ? and entity_type = ? and source_id = ?`, [p.tenant_id, p.entity_type, p.source_id]);
        await outboxSyncStatus(sql, { tenantId, entityType: 'invoice', sourceId: p.source_id, status: 'marked_paid' });
        await this.record(sql, p, 'mark_paid', actor);
      }
      return this.state(sql, tenantId, p.entity_type, p.source_id);
    });
  }

  /** Point the document at an existing QuickBooks record; the next sync updates that record. */
  async overrideLink(tenantId: string, entityType: SyncEntityType, sourceId: string, qboId: string, actor: Actor): Promise<DocumentState> {
    if (!/^\d{1,20}$/.test(qboId)) throw new ActionError('INVALID', 'qboId must be a QuickBooks id (digits)');
    return inTransaction(this.em, async (sql) => {
      await this.assertDocument(sql, tenantId, entityType, sourceId);
      const [before] = await sql<{ qbo_id: string | null }>(`select qbo_id from sync_link where tenant_id = ? and entity_type = ? and source_id = ?`, [tenantId, entityType, sourceId]);
      if (before?.qbo_id !== qboId) {
        await sql(
          `insert into sync_link (tenant_id, entity_type, source_id, qbo_id, status, pushed_version, updated_at) values (?, ?, ?, ?, 'linked', null, now())
           on conflict (tenant_id, entity_type, source_id) do update set qbo_id = excluded.qbo_id, sync_token = null, status = 'linked', pushed_version = null, updated_at = now()`,
          [tenantId, entityType, sourceId, qboId],
        );
        await this.enqueue(sql, tenantId, entityType, sourceId, 'resync');
        await this.recordFor(sql, tenantId, entityType, sourceId, 'override_link', actor, { from: before?.qbo_id ?? null, to: qboId });
      }
      return this.state(sql, tenantId, entityType, sourceId);
    });
  }

  /** Forget the stored QuickBooks id so the next sync matches again or creates. */
  async removeLink(tenantId: string, entityType: SyncEntityType, sourceId: string, actor: Actor): Promise<DocumentState> {
    return inTransaction(this.em, async (sql) => {
      await this.assertDocument(sql, tenantId, entityType, sourceId);
      const [before] = await sql<{ qbo_id: string | null }>(`select qbo_id from sync_link where tenant_id = ? and entity_type = ? and source_id = ?`, [tenantId, entityType, sourceId]);
      if (before?.qbo_id) {
        await sql(`update sync_link set qbo_id = null, sync_token = null, pushed_version = null, status = 'unlinked', updated_at = now() where tenant_id = ? and entity_type = ? and source_id = ?`, [
          tenantId, entityType, sourceId,
        ]);
        await sql(`delete from mapping where tenant_id = ? and entity_type = ? and source_id = ?`, [tenantId, entityType, sourceId]);
        await this.enqueue(sql, tenantId, entityType, sourceId, 'resync');
        await this.recordFor(sql, tenantId, entityType, sourceId, 'remove_link', actor, { from: before.qbo_id });
      }
      return this.state(sql, tenantId, entityType, sourceId);
    });
  }

  /** Manual match of a customer, item or account to a QuickBooks id; retries the documents it blocked. */
  async map(tenantId: string, entityType: 'customer' | 'item' | 'account', sourceId: string, qboId: string, actor: Actor): Promise<{ sourceId: string; qboId: string; retried: number }> {
    if (!/^\d{1,20}$/.test(qboId)) throw new ActionError('INVALID', 'qboId must be a QuickBooks id (digits)');
    return inTransaction(this.em, async (sql) => {
      await sql(
        `insert into mapping (tenant_id, entity_type, source_id, qbo_id, mapped_by, mapped_at) values (?, ?, ?, ?, ?, now())
         on conflict (tenant_id, entity_type, source_id) do update set qbo_id = excluded.qbo_id, mapped_by = excluded.mapped_by, mapped_at = now()`,
        [tenantId, entityType, sourceId, qboId, actor.id],
      );
      if (entityType !== 'account') {
        await sql(
          `insert into sync_link (tenant_id, entity_type, source_id, qbo_id, status, updated_at) values (?, ?, ?, ?, 'pushed', now())
           on conflict (tenant_id, entity_type, source_id) do update set qbo_id = excluded.qbo_id, status = 'pushed', updated_at = now()`,
          [tenantId, entityType, sourceId, qboId],
        );
        await sql(`update problem set state = 'resolved', resolved_at = now(), resolved_by = ? where tenant_id = ? and entity_type = ? and source_id = ? and state = 'open'`, [
          actor.id, tenantId, entityType, sourceId,
        ]);
      }
      const blocked = await sql<{ entity_type: SyncEntityType; source_id: string }>(
        `select entity_type, source_id from problem where tenant_id = ? and state = 'open' and kind in (select jsonb_array_elements_text(?::jsonb))`,
        [tenantId, JSON.stringify(MAPPING_FIXES)],
      );
      for (const b of blocked) await this.enqueue(sql, tenantId, b.entity_type, b.source_id, 'resync');
      await this.recordFor(sql, tenantId, entityType as SyncEntityType, sourceId, 'map', actor, { qboId });
      return { sourceId, qboId, retried: blocked.length };
    });
  }

  /** Push or update one invoice now (also when auto-push is off). */
  async pushNow(tenantId: string, invoiceId: string, actor: Actor): Promise<DocumentState> {
    return inTransaction(this.em, async (sql) => {
      await this.assertDocument(sql, tenantId, 'invoice', invoiceId);
      await this.enqueue(sql, tenantId, 'invoice', invoiceId, 'push_now');
      await this.recordFor(sql, tenantId, 'invoice', invoiceId, 'push_now', actor);
      return this.state(sql, tenantId, 'invoice', invoiceId);
    });
  }

  async documentState(tenantId: string, entityType: SyncEntityType, sourceId: string): Promise<DocumentState> {
    return inTransaction(this.em, async (sql) => {
      await this.assertDocument(sql, tenantId, entityType, sourceId);
      return this.state(sql, tenantId, entityType, sourceId);
    });
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  private async problem(sql: Sql, tenantId: string, problemId: string): Promise<ProblemRow> {
    if (!/^[0-9a-f-]{36}$/i.test(problemId)) throw new ActionError('NOT_FOUND', 'no such problem');
    const [p] = await sql<ProblemRow>(`select id, tenant_id, entity_type, source_id, kind, state from problem where id = ? and tenant_id = ? for update`, [problemId, tenantId]);
    if (!p) throw new ActionError('NOT_FOUND', 'no such problem'); // another tenant's problem reads as missing
    return p;
  }

  private async assertDocument(sql: Sql, tenantId: string, entityType: SyncEntityType, sourceId: string): Promise<void> {
    const table = { customer: 'source_customer', item: 'source_item', invoice: 'source_invoice', payment: 'source_payment', 'credit-memo': 'source_credit_memo' }[entityType];
    if (!table) throw new ActionError('INVALID', `unknown entity type ${entityType}`);
    const [row] = await sql(`select 1 from ${table} where tenant_id = ? and id = ?`, [tenantId, sourceId]);
    if (!row) throw new ActionError('NOT_FOUND', `no such ${entityType}`);
  }

  private async enqueue(sql: Sql, tenantId: string, entityType: SyncEntityType, sourceId: string, reason: string): Promise<void> {
    const table = { customer: 'source_customer', item: 'source_item', invoice: 'source_invoice', payment: 'source_payment', 'credit-memo': 'source_credit_memo' }[entityType];
    const [doc] = await sql<{ version: number }>(`select version from ${table} where tenant_id = ? and id = ?`, [tenantId, sourceId]);
    if (!doc) return;
    await sql(
      `insert into sync_job (tenant_id, entity_type, source_id, version, reason, due_at, attempts, enqueued_at) values (?, ?, ?, ?, ?, now(), 0, now())
       on conflict (tenant_id, entity_type, source_id) do update set version = greatest(sync_job.version, excluded.version), reason = excluded.reason,
         due_at = now(), attempts = 0, locked_until = null`,
      [tenantId, entityType, sourceId, doc.version, reason],
    );
  }

  private async setStatus(sql: Sql, p: ProblemRow, status: string): Promise<void> {
    await sql(
      `insert into sync_link (tenant_id, entity_type, source_id, status, updated_at) values (?, ?, ?, ?, now())
       on conflict (tenant_id, entity_type, source_id) do update set status = excluded.status, updated_at = now()`,
      [p.tenant_id, p.entity_type, p.source_id, status],
    );
  }

  private async record(sql: Sql, p: ProblemRow, action: string, actor: Actor): Promise<void> {
    await sql(`insert into problem_action (tenant_id, problem_id, entity_type, source_id, action, actor, details) values (?, ?, ?, ?, ?, ?, ?::jsonb)`, [
      p.tenant_id, p.id, p.entity_type, p.source_id, action, actor.id, JSON.stringify({ role: actor.role ?? null, kind: p.kind }),
    ]);
    this.logger.log(`problem action=${action} problemId=${p.id} tenant=${p.tenant_id} actor=${actor.id}`);
  }

  private async recordFor(sql: Sql, tenantId: string, entityType: SyncEntityType, sourceId: string, action: string, actor: Actor, details: Record<string, unknown> = {}): Promise<void> {
    await sql(`insert into problem_action (tenant_id, problem_id, entity_type, source_id, action, actor, details) values (?, null, ?, ?, ?, ?, ?::jsonb)`, [
      tenantId, entityType, sourceId, action, actor.id, JSON.stringify({ role: actor.role ?? null, ...details }),
    ]);
    this.logger.log(`document action=${action} entity=${entityType}:${sourceId} tenant=${tenantId} actor=${actor.id}`);
  }

  private async state(sql: Sql, tenantId: string, entityType: SyncEntityType, sourceId: string): Promise<DocumentState> {
    const [link] = await sql<{ status: string; qbo_id: string | null; pushed_version: number | null; pushed_at: Date | null }>(
      `select status, qbo_id, pushed_version, pushed_at from sync_link where tenant_id = ? and entity_type = ? and source_id = ?`,
      [tenantId, entityType, sourceId],
    );
    const [problem] = await sql<{ id: string; kind: string; state: string; reason: string; attempts: number }>(
      `select id, kind, state, reason, attempts from problem where tenant_id = ? and entity_type = ? and source_id = ? order by (state = 'open') desc, last_seen_at desc limit 1`,
      [tenantId, entityType, sourceId],
    );
    const [job] = await sql(`select 1 from sync_job where tenant_id = ? and entity_type = ? and source_id = ?`, [tenantId, entityType, sourceId]);
    return {
      tenantId, entityType, sourceId,
      syncStatus: link?.status ?? 'pending',
      qboId: link?.qbo_id ?? null,
      pushedVersion: link?.pushed_version ?? null,
      pushedAt: link?.pushed_at ? new Date(link.pushed_at).toISOString() : null,
      problem: problem ?? null,
      queued: Boolean(job),
    };
  }

  /** Records the tenant ↔ realm connection after an OAuth code exchange (the gateway relays the callback). */
  async connect(tenantId: string, callbackUrl: string, expectedState: string, actor: Actor): Promise<{ realmId: string }> {
    const connection = await this.qbo.tokens.exchangeCode(callbackUrl, expectedState);
    await inTransaction(this.em, (sql) =>
      sql(
        `insert into tenant_connection (tenant_id, realm_id, state, connected_at, last_error, updated_at) values (?, ?, 'connected', now(), null, now())
         on conflict (tenant_id) do update set realm_id = excluded.realm_id, state = 'connected', connected_at = now(), last_error = null, updated_at = now()`,
        [tenantId, connection.realmId],
      ),
    );
    this.qbo.forgetTenant(tenantId);
    this.logger.log(`connected tenant=${tenantId} realmId=${connection.realmId} actor=${actor.id}`);
    return { realmId: connection.realmId };
  }
}

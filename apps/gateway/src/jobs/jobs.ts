import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendAuditEvents } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../gateway-error';
import { decodeCursor, type Page, pageOf } from '../http/cursor';
import { inTransaction, sqlOf, Where } from '../sql';

export type JobKind = 'balance_pull' | 'payment_import';

export interface JobView {
  id: string;
  kind: JobKind;
  state: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  done: number;
  failed: number;
  params: unknown;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

type JobRow = {
  id: string;
  kind: JobKind;
  state: JobView['state'];
  total: number;
  done: number;
  failed: number;
  params: unknown;
  error: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

const viewOf = (r: JobRow): JobView => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  total: r.total,
  done: r.done,
  failed: r.failed,
  params: r.params,
  error: r.error,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/**
 * Long jobs (balance pulls, payment imports): recorded here as `queued`, with their parameters, for the pull
 * path to claim and advance (`state`, `total`, `done`, `failed`). The gateway does none of the pulling.
 */
@Injectable()
export class Jobs {
  private readonly logger = new Logger(Jobs.name);

  constructor(private readonly em: EntityManager) {}

  /** Queues a job and audits the request in the same transaction. `total` is known only when ids are listed. */
  async enqueue(caller: Principal, kind: JobKind, params: Record<string, unknown>, total: number): Promise<JobView> {
    const job = await inTransaction(this.em, async (sql) => {
      const [row] = await sql<JobRow>(
        `insert into job (id, tenant_id, kind, params, state, total, created_by) values (?, ?, ?, ?::jsonb, 'queued', ?, ?) returning *`,
        [randomUUID(), caller.tenantId, kind, JSON.stringify(params), total, caller.keyId],
      );
      const view = viewOf(row);
      await appendAuditEvents(sql, caller, [{ action: `job.${kind}_requested`, targetType: 'job', targetId: view.id, request: params, after: view, outcome: 'ok' }]);
      return view;
    });
    this.logger.log(`job queued id=${job.id} kind=${kind} tenant=${caller.tenantId} by=${caller.keyId}`);
    return job;
  }

  /** @throws GatewayError NOT_FOUND for an unknown job or another tenant's (indistinguishable). */
  async get(tenantId: string, id: string): Promise<JobView> {
    const [row] = await sqlOf(this.em)<JobRow>(`select * from job where id = ? and tenant_id = ?`, [id, tenantId]);
    if (!row) throw new GatewayError('NOT_FOUND', 'no such job');
    return viewOf(row);
  }

  async list(tenantId: string, q: { limit: number; cursor?: string; state?: string; kind?: string }): Promise<Page<JobView>> {
    const after = decodeCursor(q.cursor, ['string', 'string']);
    const where = new Where('tenant_id = ?', tenantId).andIf(q.state, 'state = ?').andIf(q.kind, 'kind = ?');
    if (after) where.and('(created_at, id) < (?::timestamptz, ?::uuid)', after[0], after[1]);
    const rows = await sqlOf(this.em)<JobRow & { cursor_at: string }>(
      `select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at from job where ${where} order by created_at desc, id desc limit ?`,
      [...where.params, q.limit + 1],
    );
    return pageOf(rows, q.limit, viewOf, (r) => [r.cursor_at, r.id]);
  }
}

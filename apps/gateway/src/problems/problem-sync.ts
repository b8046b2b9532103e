import { Inject, Injectable } from '@nestjs/common';
import { type AuditRecord, AuditLog, outcomeOf } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { GatewayError, UpstreamProblem } from '../gateway-error';
import { type ServiceClient, SYNC_SERVICE } from '../upstream/service-client';

export const ProblemActionNames = ['resync', 'clear', 'mark-paid'] as const;
export type ProblemAction = (typeof ProblemActionNames)[number];

export interface BulkResult {
  id: string;
  ok: boolean;
  status: number;
  /** The document's new state, as the sync-service returns it. */
  state?: unknown;
  error?: { code: string; detail: string };
}

/** Parallel calls per bulk request: fast enough for a page of problems, gentle on the sync-service's pool. */
const BULK_CONCURRENCY = 4;

/** Problem Sync (CONTRACT.md §2): the list and the actions, each asked of the sync-service and audited. */
@Injectable()
export class ProblemSync {
  constructor(
    @Inject(SYNC_SERVICE) private readonly sync: ServiceClient,
    private readonly audit: AuditLog,
  ) {}

  /** The sync-service's page `{ items, nextCursor }`, as its JSON bytes. */
  list(caller: Principal, query: Record<string, string | number | undefined>): Promise<Buffer> {
    return this.sync.relay({ method: 'GET', tenantId: caller.tenantId, path: ['problems'], query, actor: caller });
  }

  act(caller: Principal, id: string, action: ProblemAction): Promise<unknown> {
    return this.audit.recorded(caller, { action: `problem.${action}`, targetType: 'problem', targetId: id }, () => this.call(caller, id, action));
  }

  /** Runs one action on each selected problem; one failure does not stop the others. Every attempt is audited. */
  async bulk(caller: Principal, action: ProblemAction, ids: string[]): Promise<{ action: ProblemAction; succeeded: number; failed: number; results: BulkResult[] }> {
    const results: BulkResult[] = new Array(ids.length);
    const records: AuditRecord[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const id = ids[i];
        const record = { action: `problem.${action}`, targetType: 'problem', targetId: id, request: { bulk: true } };
        try {
          const state = await this.call(caller, id, action);
          results[i] = { id, ok: true, status: 200, state };
          records[i] = { ...record, after: state, outcome: 'ok' };
        } catch (error) {
          const problem = error instanceof UpstreamProblem ? error.problem : null;
          const code = problem?.code ?? outcomeOf(error).split(':').pop() ?? 'INTERNAL';
          const status = problem?.status ?? (code === 'UPSTREAM_TIMEOUT' ? 504 : code === 'UPSTREAM_UNAVAILABLE' ? 502 : 500);
          results[i] = { id, ok: false, status, error: { code, detail: problem?.detail ?? (error instanceof GatewayError ? error.detail : 'an unexpected error occurred') } };
          records[i] = { ...record, outcome: outcomeOf(error) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, worker));
    await this.audit.append(caller, records);
    const succeeded = results.filter((r) => r.ok).length;
    return { action, succeeded, failed: results.length - succeeded, results };
  }

  private call(caller: Principal, id: string, action: ProblemAction): Promise<unknown> {
    return this.sync.json({ method: 'POST', tenantId: caller.tenantId, path: ['problems', id, action], actor: caller });
  }
}

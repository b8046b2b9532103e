import type { AgingBasis } from '@arbiter/domain';
import type { Sql } from '../database';

export type RunState = 'queued' | 'running' | 'completed' | 'failed';
/** Where a running run is; each phase commits its work and the next phase in one transaction. */
export type RunPhase = 'queued' | 'load_source' | 'load_qbo' | 'compare' | 'render' | 'publish' | 'done';

/** Where the QuickBooks pull stopped: the step, the next page's start, and what has been counted so far. */
export interface RunCheckpoint {
  qboStep?: number;
  qboStart?: number;
  /** Pages per QuickBooks step, counted when the pull starts (for progress). */
  qboPages?: number[];
  qboOtherCurrency?: number;
  sourceDocuments?: number;
  sourceOtherCurrency?: number;
  /** Last discrepancy `seq` published to Kafka. */
  publishedThrough?: number;
}

export interface RunRow {
  id: string;
  tenantId: string;
  asOf: string;
  agingBasis: AgingBasis;
  periodDays: number;
  periodCount: number;
  /** Decimal string, numeric(19,4) as PostgreSQL prints it. */
  tolerance: string;
  requestedCurrency: string | null;
  trigger: 'api' | 'schedule';
  state: RunState;
  phase: RunPhase;
  checkpoint: RunCheckpoint;
  progressDone: number;
  progressTotal: number;
  attempts: number;
  lastError: string | null;
  realmId: string | null;
  currency: string | null;
  inSyncPoint: string | null;
  qboReport: unknown;
  status: 'in_sync' | 'out_of_sync' | null;
  result: unknown;
  dataSha256: string | null;
  reportSha256: string | null;
  csvSha256: string | null;
  failure: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  computedAt: string | null;
  finishedAt: string | null;
}

const instant = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Dates and instants as text: `pg` would turn a `date` into a JS Date at local midnight. */
const COLUMNS = `id, tenant_id as "tenantId", to_char(as_of, 'YYYY-MM-DD') as "asOf", aging_basis as "agingBasis",
  period_days as "periodDays", period_count as "periodCount", tolerance::text as tolerance, requested_currency as "requestedCurrency",
  trigger, state, phase, checkpoint, progress_done as "progressDone", progress_total as "progressTotal", attempts,
  last_error as "lastError", realm_id as "realmId", currency, to_char(in_sync_point, 'YYYY-MM-DD') as "inSyncPoint",
  qbo_report as "qboReport", status, result, data_sha256 as "dataSha256", report_sha256 as "reportSha256", csv_sha256 as "csvSha256",
  failure, ${instant('created_at')} as "createdAt", ${instant('started_at')} as "startedAt",
  ${instant('computed_at')} as "computedAt", ${instant('finished_at')} as "finishedAt"`;

export interface NewRun {
  id: string;
  tenantId: string;
  asOf: string;
  agingBasis: AgingBasis;
  periodDays: number;
  periodCount: number;
  tolerance: string;
  currency: string | null;
  trigger: 'api' | 'schedule';
}

export async function insertRun(sql: Sql, run: NewRun): Promise<void> {
  await sql(
    `insert into run (id, tenant_id, as_of, aging_basis, period_days, period_count, tolerance, requested_currency, trigger, state, phase, progress_total)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 'queued', 0)`,
    [run.id, run.tenantId, run.asOf, run.agingBasis, run.periodDays, run.periodCount, run.tolerance, run.currency, run.trigger],
  );
}

export async function findRun(sql: Sql, id: string, tenantId?: string): Promise<RunRow | undefined> {
  const [row] = await sql<RunRow>(
    `select ${COLUMNS} from run where id = $1 ${tenantId === undefined ? '' : 'and tenant_id = $2'}`,
    tenantId === undefined ? [id] : [id, tenantId],
  );
  return row;
}

/** Newest first; the cursor is the last row's (created_at, id). */
export async function listRuns(sql: Sql, tenantId: string, limit: number, after?: { createdAt: string; id: string }): Promise<RunRow[]> {
  return sql<RunRow>(
    `select ${COLUMNS} from run where tenant_id = $1
       ${after ? `and (created_at, id) < ($3::timestamptz, $4::uuid)` : ''}
     order by created_at desc, id desc limit $2`,
    after ? [tenantId, limit, after.createdAt, after.id] : [tenantId, limit],
  );
}

type Patchable = Partial<
  Pick<RunRow, 'state' | 'phase' | 'checkpoint' | 'progressDone' | 'progressTotal' | 'attempts' | 'lastError' | 'realmId' | 'currency'
    | 'inSyncPoint' | 'qboReport' | 'status' | 'result' | 'dataSha256' | 'reportSha256' | 'csvSha256' | 'failure'>
> & { retryAt?: string | null; startedNow?: boolean; computedNow?: boolean; finishedNow?: boolean };

const COLUMN_OF: Record<string, string> = {
  state: 'state',
  phase: 'phase',
  checkpoint: 'checkpoint',
  progressDone: 'progress_done',
  progressTotal: 'progress_total',
  attempts: 'attempts',
  lastError: 'last_error',
  realmId: 'realm_id',
  currency: 'currency',
  inSyncPoint: 'in_sync_point',
  qboReport: 'qbo_report',
  status: 'status',
  result: 'result',
  dataSha256: 'data_sha256',
  reportSha256: 'report_sha256',
  csvSha256: 'csv_sha256',
  failure: 'failure',
  retryAt: 'retry_at',
};
const JSON_COLUMNS = new Set(['checkpoint', 'qboReport', 'result', 'failure']);

/** Updates a run that is still running (or queued); a finished run is refused by the database itself. */
export async function updateRun(sql: Sql, id: string, patch: Patchable): Promise<void> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const [key, value] of Object.entries(patch)) {
    const column = COLUMN_OF[key];
    if (column === undefined || value === undefined) continue;
    params.push(JSON_COLUMNS.has(key) && value !== null ? JSON.stringify(value) : value);
    sets.push(`${column} = $${params.length}`);
  }
  if (patch.startedNow) sets.push('started_at = coalesce(started_at, now())');
  if (patch.computedNow) sets.push('computed_at = coalesce(computed_at, now())');
  if (patch.finishedNow) sets.push('finished_at = now()');
  if (sets.length === 0) return;
  await sql(`update run set ${sets.join(', ')} where id = $1`, params);
}

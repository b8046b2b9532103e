import { type DiscrepancyKind, formatMinorUnits, parseMinorUnits } from '@arbiter/domain';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ReconDatabase } from '../database';
import { ReconError } from '../errors';
import { cursors } from './cursors';
import { renderRunReports } from '../report/render-run-reports';
import { computeDataSha256, customerResults, type CustomerResultRow, discrepancyPage, type DiscrepancyRow, type RunResult } from './run-data';
import { findRun, listRuns, type RunRow } from './run-store';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The run resource of CONTRACT.md §2.1, plus extensions (realm, currency, schedule, tolerance, hashes, findings…). */
export function runResource(run: RunRow, customers: CustomerResultRow[] | undefined) {
  const result = run.result as RunResult | null;
  return {
    id: run.id,
    tenantId: run.tenantId,
    asOf: run.asOf,
    agingBasis: run.agingBasis,
    agingSchedule: { periodDays: run.periodDays, periodCount: run.periodCount, buckets: result?.bucketDefinitions ?? null },
    realmId: run.realmId,
    currency: run.currency,
    tolerance: run.currency ? formatMinorUnits(parseMinorUnits(run.tolerance, run.currency), run.currency) : run.tolerance,
    inSyncPoint: run.inSyncPoint,
    trigger: run.trigger,
    state: run.state,
    phase: run.phase,
    progress: { done: run.progressDone, total: run.progressTotal },
    status: run.status,
    buckets: result?.buckets ?? [],
    totals: result?.totals ?? null,
    customers: customers?.map((c) => ({ customerId: c.customerId ?? null, qboCustomerId: c.qboCustomerId ?? null, name: c.name ?? null, buckets: c.buckets, totals: c.totals })) ?? [],
    discrepancyCounts: result?.discrepancyCounts ?? {},
    discrepancyCount: result?.discrepancyCount ?? 0,
    toleratedDifference: result?.toleratedDifference ?? null,
    opening: result?.opening ?? null,
    matching: result?.matching ?? null,
    findings: result?.findings ?? [],
    reportSha256: run.reportSha256,
    csvSha256: run.csvSha256,
    dataSha256: run.dataSha256,
    failure: run.failure,
    attempts: run.attempts,
    lastError: run.lastError,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    computedAt: run.computedAt,
    finishedAt: run.finishedAt,
  };
}

const ListCursor = z.object({ createdAt: z.string(), id: z.uuid() });
const SeqCursor = z.object({ seq: z.int().min(0) });

/** Reads for the internal API; every one is scoped to the tenant in the path, another tenant's run is "not found". */
@Injectable()
export class ReconciliationQueries {
  constructor(private readonly db: ReconDatabase) {}

  /** @throws ReconError RUN_NOT_FOUND */
  async run(tenantId: string, id: string, allCustomers: boolean) {
    const run = await this.require(tenantId, id);
    const customers: CustomerResultRow[] = [];
    if (run.result) for await (const c of customerResults(this.db.query, run.id, { differingOnly: !allCustomers })) customers.push(c);
    return runResource(run, customers);
  }

  async list(tenantId: string, limit: number, cursor?: string) {
    const after = cursor === undefined ? undefined : cursors.decode(cursor, ListCursor);
    const rows = await listRuns(this.db.query, tenantId, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((run) => {
        const { customers: _customers, ...summary } = runResource(run, undefined);
        return summary;
      }),
      nextCursor: rows.length > limit && last ? cursors.encode({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** @throws ReconError RUN_NOT_FOUND */
  async discrepancies(tenantId: string, id: string, options: { kind?: DiscrepancyKind; limit: number; cursor?: string }) {
    const run = await this.require(tenantId, id);
    if (!run.currency || !run.result) return { items: [], nextCursor: null };
    const after = options.cursor === undefined ? -1 : cursors.decode(options.cursor, SeqCursor).seq;
    const rows = await discrepancyPage(this.db.query, run.id, run.currency, { kind: options.kind, afterSeq: after, limit: options.limit + 1 });
    const page = rows.slice(0, options.limit);
    return {
      items: page.map(({ seq: _seq, ...d }: DiscrepancyRow) => ({
        id: d.id,
        kind: d.kind,
        customerId: d.customerId ?? null,
        sourceId: d.sourceId ?? null,
        qboId: d.qboId ?? null,
        sourceAmount: d.sourceAmount ?? null,
        qboAmount: d.qboAmount ?? null,
        difference: d.difference,
        bucket: d.bucket ?? null,
        suggestedAction: d.suggestedAction,
        documentType: d.txnKind ?? null,
        qboCustomerId: d.qboCustomerId ?? null,
        customerName: d.customerName ?? null,
        number: d.number ?? null,
        qboBucket: d.qboBucket ?? null,
        note: d.note,
      })),
      nextCursor: rows.length > options.limit ? cursors.encode({ seq: page[page.length - 1].seq }) : null,
    };
  }

  /** The stored report bytes, exactly as rendered. @throws ReconError RUN_NOT_FOUND, REPORT_NOT_READY */
  async artifact(tenantId: string, id: string, format: 'pdf' | 'csv') {
    const run = await this.require(tenantId, id);
    const [artifact] = await this.db.query<{ bytes: Buffer; sha256: string; content_type: string; file_name: string }>(
      `select bytes, sha256, content_type, file_name from report_artifact where run_id = $1 and format = $2`,
      [run.id, format],
    );
    if (!artifact) throw this.notReady(run);
    return { bytes: artifact.bytes, sha256: artifact.sha256, contentType: artifact.content_type, fileName: artifact.file_name };
  }

  /**
   * Recomputes, from what is stored: the SHA-256 of the PDF and CSV bytes, the run's data hash, and a fresh render of
   * both reports, which must be byte-identical to the stored ones. `valid` when every check holds.
   * @throws ReconError RUN_NOT_FOUND, REPORT_NOT_READY
   */
  async verify(tenantId: string, id: string) {
    const run = await this.require(tenantId, id);
    if (!run.reportSha256 || !run.dataSha256) throw this.notReady(run);
    const [pdf, csv] = await Promise.all([this.artifact(tenantId, id, 'pdf'), this.artifact(tenantId, id, 'csv')]);
    const reportSha256 = sha256(pdf.bytes);
    const csvSha256 = sha256(csv.bytes);
    const dataSha256 = await computeDataSha256(this.db.query, run);
    const rendered = await renderRunReports(this.db.query, run, dataSha256);
    const checks = {
      reportBytes: reportSha256 === run.reportSha256 && reportSha256 === pdf.sha256,
      csvBytes: csvSha256 === run.csvSha256 && csvSha256 === csv.sha256,
      data: dataSha256 === run.dataSha256,
      rerender: rendered.pdf.equals(pdf.bytes) && rendered.csv.equals(csv.bytes),
    };
    return { valid: Object.values(checks).every(Boolean), reportSha256, dataSha256, csvSha256, checks };
  }

  private async require(tenantId: string, id: string): Promise<RunRow> {
    const run = await findRun(this.db.query, id, tenantId);
    if (!run) throw new ReconError('RUN_NOT_FOUND', `no reconciliation run ${id}`);
    return run;
  }

  private notReady(run: RunRow): ReconError {
    return new ReconError(
      'REPORT_NOT_READY',
      run.state === 'failed' ? `run ${run.id} failed and has no report: ${String(run.failure?.['message'] ?? '')}` : `run ${run.id} is ${run.state} (${run.phase}); its report is not rendered yet`,
    );
  }
}

import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReconDatabase, type Sql } from '../database';
import { ReconError, RunFailure } from '../errors';
import { type CompletedOutcome, RECON_PUBLISHER, type ReconPublisher } from '../events/recon-events';
import { QBO_COMPANIES, type QboCompanies, type QboReader } from '../qbo/qbo-companies';
import { deriveQboOpenAmounts, fetchQboPage, QBO_STEPS, readAgedReceivables, stepQuery, storeQboPage } from '../qbo/qbo-snapshot';
import { renderRunReports, reportFileName } from '../report/render-run-reports';
import { takeSourceSnapshot } from '../source/source-snapshot';
import { compareInWorker } from './compare-in-worker';
import { computeDataSha256, discrepancyPage, type RunResult } from './run-data';
import { findRun, type RunRow, updateRun } from './run-store';

/**
 * Progress is counted in units: the source snapshot, each QuickBooks page, then the report cross-check, compare,
 * render and publish (the last four are the `TAIL_UNITS`).
 */
const TAIL_UNITS = 4;
const PUBLISH_BATCH = 500;

/**
 * Autovacuum analyses a table only some time after enough rows changed; right after the bulk load of a run's
 * snapshot (up to millions of rows in one transaction) the planner still plans with the statistics of a (nearly)
 * empty table, and may pick nested loops for the QuickBooks open-amount update or a full sort for every keyset
 * page of the compare phase's snapshot read — quadratic in the run's size. ANALYZE samples at most ~30,000 rows
 * per table (well under a second) and may run inside the phase's transaction, so the statistics commit with it.
 */
async function refreshSnapshotStatistics(sql: Sql): Promise<void> {
  await sql('analyze run_item, run_qbo_application, run_customer, run_link');
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Executes one run, phase by phase. Each phase commits its work together with the next phase (and, while pulling
 * QuickBooks, with the page checkpoint), so the process can die anywhere and a later `execute` continues from the
 * last commit with the same snapshot, hence the same result and data hash:
 *
 * load_source → load_qbo (page by page) → compare → render → publish → completed
 *
 * The caller (RunWorker) holds the run's lock. Transient errors propagate (the worker retries later); a RunFailure
 * fails the run.
 */
@Injectable()
export class RunReconciliation {
  private readonly logger = new Logger(RunReconciliation.name);

  constructor(
    private readonly db: ReconDatabase,
    @Inject(QBO_COMPANIES) private readonly companies: QboCompanies,
    @Inject(RECON_PUBLISHER) private readonly publisher: ReconPublisher,
  ) {}

  /** @throws RunFailure (the run must fail), AbortError (stopped; resumable), anything transient (retry later). */
  async execute(runId: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const run = await findRun(this.db.query, runId);
      if (!run || run.state !== 'running') return;
      switch (run.phase) {
        case 'load_source':
          await this.loadSource(run);
          break;
        case 'load_qbo':
          await this.loadQbo(run, signal);
          break;
        case 'compare':
          await this.compare(run, signal);
          break;
        case 'render':
          await this.render(run);
          break;
        case 'publish':
          await this.publish(run, signal);
          return;
        default:
          return;
      }
    }
  }

  private async company(tenantId: string): Promise<QboReader> {
    try {
      return await this.companies.companyFor(tenantId);
    } catch (error) {
      if (error instanceof ReconError && error.code === 'TENANT_NOT_CONNECTED') throw new RunFailure('TENANT_NOT_CONNECTED', error.message);
      throw error;
    }
  }

  private async loadSource(run: RunRow): Promise<void> {
    const company = await this.company(run.tenantId);
    await this.db.transaction(async (sql) => {
      const snapshot = await takeSourceSnapshot(sql, this.db.syncSchema, {
        runId: run.id,
        tenantId: run.tenantId,
        asOf: run.asOf,
        requestedCurrency: run.requestedCurrency,
      });
      await refreshSnapshotStatistics(sql);
      await updateRun(sql, run.id, {
        realmId: company.realmId,
        currency: snapshot.currency,
        inSyncPoint: snapshot.inSyncPoint,
        phase: 'load_qbo',
        checkpoint: { ...run.checkpoint, sourceDocuments: snapshot.documents, sourceOtherCurrency: snapshot.otherCurrencyDocuments },
        progressDone: 1,
        progressTotal: 1 + QBO_STEPS.length + TAIL_UNITS,
      });
    });
    this.logger.log(`snapshot taken side=source runId=${run.id} tenantId=${run.tenantId} asOf=${run.asOf}`);
  }

  private async loadQbo(run: RunRow, signal: AbortSignal): Promise<void> {
    const company = await this.company(run.tenantId);
    if (run.realmId !== null && company.realmId !== run.realmId) {
      throw new RunFailure('QBO_ERROR', `the tenant was reconnected to another QuickBooks company (${company.realmId}, was ${run.realmId}) during the run`);
    }
    const scope = { runId: run.id, asOf: run.asOf, currency: run.currency as string };
    let checkpoint = run.checkpoint;
    let total = run.progressTotal;
    if (checkpoint.qboPages === undefined) {
      // Counted once, for progress only: the pull itself pages until a short page, whatever the counts said.
      const pages: number[] = [];
      for (const step of QBO_STEPS) pages.push(Math.max(1, Math.ceil((await company.count(stepQuery(step, run.asOf))) / 1000)));
      checkpoint = { ...checkpoint, qboPages: pages, qboStep: 0, qboStart: 1, qboOtherCurrency: 0 };
      total = 1 + pages.reduce((a, b) => a + b, 0) + TAIL_UNITS;
      await updateRun(this.db.query, run.id, { checkpoint, progressTotal: total });
    }
    let done = run.progressDone;
    while ((checkpoint.qboStep ?? 0) < QBO_STEPS.length) {
      signal.throwIfAborted();
      const step = QBO_STEPS[checkpoint.qboStep ?? 0];
      const start = checkpoint.qboStart ?? 1;
      // Read first, then write: no transaction stays open while QuickBooks answers.
      const page = await fetchQboPage(company, step, run.asOf, start);
      checkpoint = await this.db.transaction(async (sql) => {
        const { otherCurrency } = await storeQboPage(sql, scope, page);
        const next = page.nextStart === undefined ? { qboStep: (checkpoint.qboStep ?? 0) + 1, qboStart: 1 } : { qboStep: checkpoint.qboStep, qboStart: page.nextStart };
        const updated = { ...checkpoint, ...next, qboOtherCurrency: (checkpoint.qboOtherCurrency ?? 0) + otherCurrency };
        done = Math.min(done + 1, total - TAIL_UNITS);
        await updateRun(sql, run.id, { checkpoint: updated, progressDone: done });
        return updated;
      });
    }
    const report = await readAgedReceivables(company, { asOf: run.asOf, periodDays: run.periodDays, periodCount: run.periodCount });
    await this.db.transaction(async (sql) => {
      await refreshSnapshotStatistics(sql);
      await deriveQboOpenAmounts(sql, run.id);
      await updateRun(sql, run.id, { qboReport: report, phase: 'compare', progressDone: total - 3 });
    });
    this.logger.log(`snapshot taken side=qbo runId=${run.id} realmId=${company.realmId}`);
  }

  private async compare(run: RunRow, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const summary = await compareInWorker(this.db.connection, run, signal);
    this.logger.log(
      `reconciliation compared runId=${run.id} status=${summary.status} discrepancies=${summary.discrepancyCount} difference=${summary.difference} thread=${summary.threadId} ms=${Date.now() - started}`,
    );
  }

  private async render(run: RunRow): Promise<void> {
    const dataSha256 = await computeDataSha256(this.db.query, run);
    const { pdf, csv } = await renderRunReports(this.db.query, run, dataSha256);
    const reportSha256 = sha256(pdf);
    const csvSha256 = sha256(csv);
    await this.db.transaction(async (sql) => {
      await sql(
        `insert into report_artifact (run_id, format, content_type, file_name, bytes, sha256, size_bytes)
         values ($1, 'pdf', 'application/pdf', $2, $3, $4, $5), ($1, 'csv', 'text/csv; charset=utf-8', $6, $7, $8, $9)`,
        [run.id, reportFileName(run, 'pdf'), pdf, reportSha256, pdf.length, reportFileName(run, 'csv'), csv, csvSha256, csv.length],
      );
      await updateRun(sql, run.id, { dataSha256, reportSha256, csvSha256, phase: 'publish', progressDone: run.progressTotal - 1 });
    });
    this.logger.log(`reports rendered runId=${run.id} pdfBytes=${pdf.length} csvBytes=${csv.length} reportSha256=${reportSha256}`);
  }

  private async publish(run: RunRow, signal: AbortSignal): Promise<void> {
    const currency = run.currency as string;
    let through = run.checkpoint.publishedThrough ?? -1;
    for (;;) {
      signal.throwIfAborted();
      const rows = await discrepancyPage(this.db.query, run.id, currency, { afterSeq: through, limit: PUBLISH_BATCH });
      if (rows.length === 0) break;
      await this.publisher.discrepancies(run, rows);
      through = rows[rows.length - 1].seq;
      await updateRun(this.db.query, run.id, { checkpoint: { ...run.checkpoint, publishedThrough: through } });
    }
    const result = run.result as RunResult;
    await this.publisher.completed(run, {
      status: run.status ?? 'out_of_sync',
      buckets: result.buckets,
      discrepancyCount: result.discrepancyCount,
      reportSha256: run.reportSha256 ?? undefined,
    });
    await updateRun(this.db.query, run.id, { state: 'completed', phase: 'done', progressDone: run.progressTotal, finishedNow: true });
    this.logger.log(`reconciliation finished runId=${run.id} tenantId=${run.tenantId} status=${run.status} discrepancies=${result.discrepancyCount}`);
  }

  /** Records the failure (the run becomes immutable) and tells consumers; publishing is best effort after the commit. */
  async fail(runId: string, failure: RunFailure): Promise<void> {
    const run = await findRun(this.db.query, runId);
    if (!run || run.state === 'completed' || run.state === 'failed') return;
    await updateRun(this.db.query, runId, {
      state: 'failed',
      phase: 'done',
      failure: { code: failure.code, message: failure.message, ...failure.details },
      finishedNow: true,
    });
    this.logger.error(`reconciliation failed runId=${runId} tenantId=${run.tenantId} code=${failure.code} reason=${failure.message}`);
    const outcome: CompletedOutcome = {
      status: 'failed',
      buckets: (failure.details['buckets'] as CompletedOutcome['buckets'] | undefined) ?? [],
      discrepancyCount: 0,
    };
    await this.publisher.completed(run, outcome).catch((error: unknown) =>
      this.logger.warn(`failed-run event not published runId=${runId} reason=${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

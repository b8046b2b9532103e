import type { Sql } from '../database';
import { compareRun, storeComparison } from './compare-run';
import type { RunRow } from './run-store';
import { updateRun } from './run-store';

/** What the compare phase tells the caller (and its log line). */
export interface CompareSummary {
  status: 'in_sync' | 'out_of_sync';
  discrepancyCount: number;
  difference: string;
  /** The thread that compared: 0 is the main thread, anything else a worker. */
  threadId: number;
}

/**
 * The compare phase: reconciles the run's snapshot, then stores customers and discrepancies together with the next
 * phase (`render`) in one transaction, so a crash repeats the whole phase and nothing half-stored stays behind.
 * @throws RunFailure TIE_OUT_VIOLATION; DomainError for invalid stored amounts; anything from PostgreSQL (transient)
 */
export async function runComparePhase(
  db: { query: Sql; transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T> },
  run: RunRow,
  threadId: number,
): Promise<CompareSummary> {
  const { reconciliation, result, snapshot } = await compareRun(db.query, run);
  await db.transaction(async (sql) => {
    await storeComparison(sql, run, reconciliation, snapshot);
    await updateRun(sql, run.id, { result, status: reconciliation.status, phase: 'render', computedNow: true, progressDone: run.progressTotal - 2 });
  });
  return { status: reconciliation.status, discrepancyCount: result.discrepancyCount, difference: result.totals.difference, threadId };
}

import type { Sql } from '../database';
import { customerResults, discrepancyRows, type RunResult } from '../reconciliation/run-data';
import type { RunRow } from '../reconciliation/run-store';
import { renderDiscrepanciesCsv } from './discrepancies.csv';
import { renderReconciliationPdf } from './reconciliation-report.pdf';

export interface RenderedReports {
  pdf: Buffer;
  csv: Buffer;
}

/**
 * Renders a run's PDF and CSV from what is stored (never from memory), so the render phase, a resumed render and
 * `verify` all produce the same bytes. Needs the compared run (result, currency, realm, computedAt) and its data hash.
 */
export async function renderRunReports(sql: Sql, run: RunRow, dataSha256: string): Promise<RenderedReports> {
  const result = run.result as RunResult;
  const currency = run.currency as string;
  const csv = await renderDiscrepanciesCsv(discrepancyRows(sql, run.id, currency));
  const pdf = await renderReconciliationPdf({
    run: {
      id: run.id,
      tenantId: run.tenantId,
      realmId: run.realmId ?? '',
      asOf: run.asOf,
      agingBasis: run.agingBasis,
      periodDays: run.periodDays,
      periodCount: run.periodCount,
      currency,
      tolerance: formatTolerance(run.tolerance),
      inSyncPoint: run.inSyncPoint,
      status: run.status ?? 'out_of_sync',
      computedAt: run.computedAt ?? run.createdAt,
      dataSha256,
    },
    result,
    differingCustomers: () => customerResults(sql, run.id, { differingOnly: true }),
    discrepanciesOfKind: (kind) => discrepancyRows(sql, run.id, currency, { kind }),
  });
  return { pdf, csv };
}

/** "0.0500" → "0.05", "0.0000" → "0": the tolerance as a person would write it. */
const formatTolerance = (text: string): string => text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

export const reportFileName = (run: Pick<RunRow, 'tenantId' | 'asOf' | 'id'>, format: 'pdf' | 'csv'): string =>
  `reconciliation-${run.tenantId}-${run.asOf}-${run.id.slice(0, 8)}.${format}`;

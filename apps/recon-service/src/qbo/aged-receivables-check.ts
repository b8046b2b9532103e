import {
  type AgingBasis,
  type AgingBucket,
  type AgingSchedule,
  bucketIndexForAge,
  formatMinorUnits,
  parseMinorUnits,
  type QboItem,
  toEpochDay,
} from '@arbiter/domain';
import type { StoredAgedReceivables } from './qbo-snapshot';

/** Something about the run an auditor should know that is not a source-vs-QuickBooks discrepancy. */
export interface Finding {
  kind: 'qbo_report_mismatch' | 'qbo_report_untied' | 'qbo_report_unavailable' | 'other_currency' | 'broken_links';
  message: string;
  details?: Record<string, unknown>;
}

/** At most this many differing cells are listed in a finding (the count and the total are always complete). */
const MAX_LISTED = 100;

/**
 * QuickBooks against itself: its AgedReceivables report for the date versus the run's aging of QuickBooks' own
 * entities, per QuickBooks customer and bucket (per customer total when the run ages by issue date, which the report
 * does not). Any disagreement means the entity pull and QuickBooks' books differ (a missed page, a report setting
 * such as CalcAgingReportFromTxnDate, or a QuickBooks defect) and is reported as a finding, not as a discrepancy:
 * it says nothing about the platform.
 */
export function crossCheckAgedReceivables(
  stored: StoredAgedReceivables | null,
  qboItems: readonly QboItem[],
  options: { asOf: string; basis: AgingBasis; schedule: AgingSchedule; bucketDefinitions: readonly AgingBucket[]; currency: string },
): Finding[] {
  if (stored === null) return [];
  if (!stored.ok) {
    return [{ kind: 'qbo_report_unavailable', message: `QuickBooks' AgedReceivables report could not be read, so it was not compared: ${stored.error}` }];
  }
  const { summary } = stored;
  const { currency, bucketDefinitions } = options;
  const findings: Finding[] = [];
  if (summary.grandTotal && !summary.tieOut.tiesOut) {
    findings.push({
      kind: 'qbo_report_untied',
      message: `QuickBooks' AgedReceivables customer rows add up to ${summary.tieOut.rowsTotal}, its own total row says ${summary.tieOut.reportTotal}`,
      details: { rowsTotal: summary.tieOut.rowsTotal, reportTotal: summary.tieOut.reportTotal },
    });
  }
  const byBucket =
    options.basis === 'due_date' &&
    summary.bucketTitles.length === bucketDefinitions.length &&
    summary.bucketTitles.every((title, i) => normalTitle(title) === normalTitle(bucketDefinitions[i].label));
  const columns = byBucket ? bucketDefinitions.map((b) => b.id) : ['total'];

  const amount = (text: string) => parseMinorUnits(text, currency);
  const report = new Map<string, bigint[]>();
  for (const row of summary.rows) {
    const key = row.customerId ?? `name:${row.customerName}`;
    const cells = byBucket ? row.buckets.map(amount) : [amount(row.total)];
    const sum = report.get(key) ?? columns.map(() => 0n);
    report.set(key, sum.map((v, i) => v + cells[i]));
  }
  const asOfDay = toEpochDay(options.asOf);
  const entities = new Map<string, bigint[]>();
  for (const item of qboItems) {
    if (item.openMinor === 0n) continue;
    const cells = entities.get(item.customerId) ?? columns.map(() => 0n);
    const column = byBucket ? bucketIndexForAge(asOfDay - toEpochDay(item.dueDate), options.schedule) : 0;
    cells[column] += item.openMinor;
    entities.set(item.customerId, cells);
  }
  const differing: Array<{ qboCustomerId: string; bucket: string; report: string; entities: string; difference: string }> = [];
  let count = 0;
  let net = 0n;
  for (const key of [...new Set([...report.keys(), ...entities.keys()])].sort()) {
    const fromReport = report.get(key) ?? columns.map(() => 0n);
    const fromEntities = entities.get(key) ?? columns.map(() => 0n);
    columns.forEach((bucket, i) => {
      const difference = fromReport[i] - fromEntities[i];
      if (difference === 0n) return;
      count++;
      net += difference;
      if (differing.length < MAX_LISTED) {
        differing.push({
          qboCustomerId: key,
          bucket,
          report: formatMinorUnits(fromReport[i], currency),
          entities: formatMinorUnits(fromEntities[i], currency),
          difference: formatMinorUnits(difference, currency),
        });
      }
    });
  }
  if (count > 0) {
    findings.push({
      kind: 'qbo_report_mismatch',
      message: `QuickBooks' AgedReceivables report differs from its own invoices, credit memos and payments in ${count} ${byBucket ? 'customer buckets' : 'customer totals'} (report - entities = ${formatMinorUnits(net, currency)})`,
      details: { comparedBy: byBucket ? 'customer and bucket' : 'customer total', count, net: formatMinorUnits(net, currency), cells: differing },
    });
  }
  return findings;
}

/** `1 - 30`, `1-30` and `1 – 30` are the same heading. */
const normalTitle = (title: string): string => title.replace(/[\s–-]+/g, '-').toLowerCase();

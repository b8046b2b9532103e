import Decimal from 'decimal.js';
import { isDecimalText, type QboDecimal } from './qbo-json';

// Reports come back as a tree: data rows, and sections with a Header, child Rows and a Summary
// (subtotal). The parsers below read only leaf data rows as facts and take totals from the report's
// own total rows; they never add up section headers or summaries, which would double count.

/** Own Decimal clone: never mutate decimal.js's global configuration. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

export interface QboReportColData {
  value?: string;
  id?: string;
}

export interface QboReportRow {
  type?: 'Data' | 'Section' | string;
  group?: string;
  ColData?: QboReportColData[];
  Header?: { ColData?: QboReportColData[] };
  Rows?: { Row?: QboReportRow[] };
  Summary?: { ColData?: QboReportColData[] };
}

export interface QboReportColumn {
  ColTitle?: string;
  ColType?: string;
  MetaData?: Array<{ Name: string; Value: string }>;
}

/** The JSON QuickBooks returns from `/reports/{name}`. */
export interface QboReport {
  Header?: {
    Time?: string;
    ReportName?: string;
    ReportBasis?: string;
    StartPeriod?: string;
    EndPeriod?: string;
    Currency?: string;
    Option?: Array<{ Name: string; Value?: string }>;
  };
  Columns?: { Column?: QboReportColumn[] };
  Rows?: { Row?: QboReportRow[] };
}

/** Sum of leaf rows versus the report's own total: a parser or data problem shows up here, never hidden. */
export interface ReportTieOut {
  rowsTotal: QboDecimal;
  reportTotal: QboDecimal | undefined;
  /** reportTotal − rowsTotal; "0" when it ties, undefined when the report has no total row. */
  difference: QboDecimal | undefined;
  tiesOut: boolean;
}

export interface AgedReceivablesRow {
  /** QuickBooks Customer Id (absent on rows QuickBooks did not link, e.g. "Not Specified"). */
  customerId?: string;
  /** As shown; sub-customers as "Parent:Child". */
  customerName: string;
  /** One amount per entry of `bucketTitles`, same order; empty cells are "0". */
  buckets: QboDecimal[];
  total: QboDecimal;
}

export interface AgedReceivablesSummary {
  reportName: string;
  reportDate?: string;
  currency?: string;
  noReportData: boolean;
  /** e.g. ["Current", "1 - 30", "31 - 60", "61 - 90", "91 and over"]. */
  bucketTitles: string[];
  rows: AgedReceivablesRow[];
  /** From the report's own GrandTotal row. */
  grandTotal?: { buckets: QboDecimal[]; total: QboDecimal };
  tieOut: ReportTieOut;
}

const option = (report: QboReport, name: string): string | undefined =>
  report.Header?.Option?.find((o) => o.Name === name)?.Value;

/**
 * Report cells are strings; "" means zero. Plain decimal text is kept as printed ("37.50"); other numeric
 * text (thousands separators) is normalised. Anything that is not a number is refused loudly.
 */
function amount(cell: QboReportColData | undefined): QboDecimal {
  const text = (cell?.value ?? '').trim().replace(/,/g, '');
  if (text === '') return '0';
  if (isDecimalText(text)) return text;
  try {
    return new D(text).toFixed();
  } catch {
    throw new Error(`report cell is not an amount: ${JSON.stringify(cell?.value)}`);
  }
}

const isSection = (row: QboReportRow): boolean =>
  row.type === 'Section' || row.Rows !== undefined || row.Summary !== undefined || row.Header !== undefined;

const isGrandTotal = (row: QboReportRow): boolean => row.group === 'GrandTotal';

const firstCell = (cols: QboReportColData[] | undefined): string => (cols?.[0]?.value ?? '').trim();

/** A grand total written as a data row ("TOTAL" with no id) instead of a GrandTotal section. */
const isTotalDataRow = (row: QboReportRow): boolean => !row.ColData?.[0]?.id && /^total$/i.test(firstCell(row.ColData));

function tieOut(rowsTotal: Decimal, reportTotal: QboDecimal | undefined): ReportTieOut {
  if (reportTotal === undefined) {
    return { rowsTotal: rowsTotal.toFixed(), reportTotal, difference: undefined, tiesOut: false };
  }
  const difference = new D(reportTotal).minus(rowsTotal);
  return { rowsTotal: rowsTotal.toFixed(), reportTotal, difference: difference.toFixed(), tiesOut: difference.isZero() };
}

/**
 * Parses `/reports/AgedReceivables` (A/R aging summary) into one row per customer.
 * Sections (parent customers with sub-customers) are descended into; their headers and "Total for …"
 * summaries are skipped. The grand total is the report's own GrandTotal row.
 * @throws Error when the report has no customer column or a money cell is not a number.
 */
export function parseAgedReceivables(report: QboReport): AgedReceivablesSummary {
  const columns = report.Columns?.Column ?? [];
  const labelIndex = columns.findIndex((c) => c.ColType === 'Customer');
  if (labelIndex < 0 && columns.length > 0) throw new Error('AgedReceivables report has no Customer column');
  const moneyIndexes = columns.map((c, i) => ({ c, i })).filter(({ c, i }) => i !== labelIndex && c.ColType === 'Money');
  const totalColumn = moneyIndexes.find(({ c }) => /^total$/i.test((c.ColTitle ?? '').trim()));
  const bucketColumns = moneyIndexes.filter((m) => m !== totalColumn);
  const label = Math.max(0, labelIndex);

  const readAmounts = (cols: QboReportColData[] | undefined) => {
    const buckets = bucketColumns.map(({ i }) => amount(cols?.[i]));
    const total = totalColumn
      ? amount(cols?.[totalColumn.i])
      : buckets.reduce((sum, b) => sum.plus(b), new D(0)).toFixed(); // no Total column: the row's own cells
    return { buckets, total };
  };

  const rows: AgedReceivablesRow[] = [];
  let grandTotal: AgedReceivablesSummary['grandTotal'];
  let rowsTotal = new D(0);

  const visit = (list: QboReportRow[] | undefined): void => {
    for (const row of list ?? []) {
      if (isGrandTotal(row)) {
        grandTotal = readAmounts(row.Summary?.ColData ?? row.ColData);
        continue;
      }
      if (isSection(row)) {
        visit(row.Rows?.Row); // header = label, summary = subtotal: neither is a fact
        continue;
      }
      if (!row.ColData) continue;
      if (isTotalDataRow(row)) {
        grandTotal ??= readAmounts(row.ColData);
        continue;
      }
      const cell = row.ColData[label];
      const { buckets, total } = readAmounts(row.ColData);
      rows.push({ customerId: cell?.id || undefined, customerName: (cell?.value ?? '').trim(), buckets, total });
      rowsTotal = rowsTotal.plus(total);
    }
  };
  visit(report.Rows?.Row);

  return {
    reportName: report.Header?.ReportName ?? 'AgedReceivables',
    reportDate: option(report, 'report_date') ?? report.Header?.EndPeriod,
    currency: report.Header?.Currency,
    noReportData: option(report, 'NoReportData') === 'true',
    bucketTitles: bucketColumns.map(({ c }) => (c.ColTitle ?? '').trim()),
    rows,
    grandTotal,
    tieOut: tieOut(rowsTotal, grandTotal?.total),
  };
}

export interface AgedReceivableDetailRow {
  /** Section the row sits in, e.g. "Current" or "31 - 60 days past due". */
  bucket: string;
  txnId?: string;
  txnType?: string;
  txnDate?: string;
  docNumber?: string;
  customerId?: string;
  customerName?: string;
  dueDate?: string;
  /** Days past due as QuickBooks printed it. */
  pastDue?: string;
  amount?: QboDecimal;
  openBalance?: QboDecimal;
  /** Every cell by column type, for columns this parser does not name. */
  cells: Record<string, string>;
}

export interface AgedReceivableDetail {
  reportName: string;
  reportDate?: string;
  currency?: string;
  noReportData: boolean;
  columns: Array<{ type: string; title: string }>;
  rows: AgedReceivableDetailRow[];
  /** Per-bucket totals as the report prints them (never computed here). */
  bucketTotals: Array<{ bucket: string; total: QboDecimal }>;
  /** Leaf rows grouped by customer; bucket amounts are sums of the customer's own transaction rows. */
  byCustomer: Array<{ customerId?: string; customerName: string; buckets: Record<string, QboDecimal>; total: QboDecimal }>;
  /** The report's TOTAL row (open balance column). */
  grandTotal?: QboDecimal;
  tieOut: ReportTieOut;
}

const TOTAL_FOR = /^total for\s+/i;

/**
 * Parses `/reports/AgedReceivableDetail`: sections per aging bucket holding one data row per open
 * transaction. Bucket totals are accepted in both shapes seen in Intuit samples (a section's Summary,
 * or a separate "Total for …" section); both are recorded, never added to anything.
 * @throws Error when a money cell is not a number.
 */
export function parseAgedReceivableDetail(report: QboReport): AgedReceivableDetail {
  const columns = (report.Columns?.Column ?? []).map((c) => ({ type: c.ColType ?? '', title: (c.ColTitle ?? '').trim() }));
  const index = (...types: string[]) => columns.findIndex((c) => types.includes(c.type));
  const col = {
    date: index('tx_date'),
    type: index('txn_type'),
    num: index('doc_num'),
    customer: index('cust_name'),
    due: index('due_date'),
    pastDue: index('past_due'),
    amount: index('subt_amount', 'amount'),
    open: index('subt_open_bal', 'open_bal'),
  };
  // The aging amount is the open balance; fall back to the amount column when open balance is not shown.
  const balanceIndex = col.open >= 0 ? col.open : col.amount;

  const rows: AgedReceivableDetailRow[] = [];
  const bucketTotals: AgedReceivableDetail['bucketTotals'] = [];
  let grandTotal: QboDecimal | undefined;

  const cellText = (cols: QboReportColData[] | undefined, i: number) => (i >= 0 ? (cols?.[i]?.value ?? '').trim() : '');
  const optional = (s: string) => (s === '' ? undefined : s);
  const balanceOf = (cols: QboReportColData[] | undefined): QboDecimal | undefined =>
    balanceIndex >= 0 ? amount(cols?.[balanceIndex]) : undefined;

  const visit = (list: QboReportRow[] | undefined, bucket: string): void => {
    for (const row of list ?? []) {
      const headerText = firstCell(row.Header?.ColData);
      if (isGrandTotal(row) || (!isSection(row) && isTotalDataRow(row))) {
        grandTotal = balanceOf(row.Summary?.ColData ?? row.ColData);
        continue;
      }
      if (isSection(row)) {
        if (TOTAL_FOR.test(headerText)) {
          // Separate total section: the amounts are on its header (or summary); it has no data rows.
          const total = balanceOf(row.Summary?.ColData ?? row.Header?.ColData);
          if (total !== undefined) bucketTotals.push({ bucket: headerText.replace(TOTAL_FOR, ''), total });
          continue;
        }
        const sectionBucket = headerText || bucket;
        visit(row.Rows?.Row, sectionBucket);
        const summaryLabel = firstCell(row.Summary?.ColData);
        if (row.Summary?.ColData && TOTAL_FOR.test(summaryLabel)) {
          const total = balanceOf(row.Summary.ColData);
          if (total !== undefined) bucketTotals.push({ bucket: summaryLabel.replace(TOTAL_FOR, ''), total });
        }
        continue;
      }
      if (!row.ColData) continue;
      const cells: Record<string, string> = {};
      columns.forEach((c, i) => (cells[c.type || `col${i}`] = (row.ColData?.[i]?.value ?? '').trim()));
      rows.push({
        bucket,
        txnDate: optional(cellText(row.ColData, col.date)),
        txnType: optional(cellText(row.ColData, col.type)),
        // Which cell carries the transaction id varies between samples (type, number or date column).
        txnId: [col.type, col.num, col.date].map((i) => (i >= 0 ? row.ColData?.[i]?.id : undefined)).find(Boolean),
        docNumber: optional(cellText(row.ColData, col.num)),
        customerId: col.customer >= 0 ? row.ColData[col.customer]?.id || undefined : undefined,
        customerName: optional(cellText(row.ColData, col.customer)),
        dueDate: optional(cellText(row.ColData, col.due)),
        pastDue: optional(cellText(row.ColData, col.pastDue)),
        amount: col.amount >= 0 ? amount(row.ColData[col.amount]) : undefined,
        openBalance: col.open >= 0 ? amount(row.ColData[col.open]) : undefined,
        cells,
      });
    }
  };
  visit(report.Rows?.Row, '');

  const customers = new Map<string, { customerId?: string; customerName: string; buckets: Map<string, Decimal>; total: Decimal }>();
  let rowsTotal = new D(0);
  for (const row of rows) {
    const value = new D(row.openBalance ?? row.amount ?? '0');
    rowsTotal = rowsTotal.plus(value);
    const key = row.customerId ?? `name:${row.customerName ?? ''}`;
    let entry = customers.get(key);
    if (!entry) {
      entry = { customerId: row.customerId, customerName: row.customerName ?? '', buckets: new Map(), total: new D(0) };
      customers.set(key, entry);
    }
    entry.buckets.set(row.bucket, (entry.buckets.get(row.bucket) ?? new D(0)).plus(value));
    entry.total = entry.total.plus(value);
  }

  return {
    reportName: report.Header?.ReportName ?? 'AgedReceivableDetail',
    reportDate: option(report, 'report_date') ?? report.Header?.EndPeriod,
    currency: report.Header?.Currency,
    noReportData: option(report, 'NoReportData') === 'true',
    columns,
    rows,
    bucketTotals,
    byCustomer: [...customers.values()].map((c) => ({
      customerId: c.customerId,
      customerName: c.customerName,
      buckets: Object.fromEntries([...c.buckets].map(([b, v]) => [b, v.toFixed()])),
      total: c.total.toFixed(),
    })),
    grandTotal,
    tieOut: tieOut(rowsTotal, grandTotal),
  };
}

import { Decimal } from 'decimal.js';
import { Company } from '../company-store';
import { ZERO, reportMoney } from '../money';
import { Faults } from '../qbo-fault';
import { AgingParams, OpenItem, bucketTitles, openItems, reportHeader } from './aging';

interface DetailColumn {
  type: string;
  title: string;
  /** Money columns are summed into section and grand totals. */
  money: boolean;
  cell(item: OpenItem): { value: string; id?: string };
}

const COLUMNS: Record<string, DetailColumn> = {
  tx_date: { type: 'tx_date', title: 'Date', money: false, cell: (i) => ({ value: i.txnDate }) },
  // UNVERIFIED which cell carries the transaction Id: both txn_type and doc_num carry it here.
  txn_type: { type: 'txn_type', title: 'Transaction Type', money: false, cell: (i) => ({ value: i.txnType, id: i.record.id }) },
  doc_num: { type: 'doc_num', title: 'Num', money: false, cell: (i) => ({ value: i.docNumber, id: i.record.id }) },
  cust_name: { type: 'cust_name', title: 'Customer', money: false, cell: (i) => ({ value: i.customerName, id: i.customerId }) },
  due_date: { type: 'due_date', title: 'Due Date', money: false, cell: (i) => ({ value: i.dueDate }) },
  past_due: { type: 'past_due', title: 'Past Due', money: false, cell: (i) => ({ value: String(Math.max(i.daysPastDue, 0)) }) },
  subt_amount: { type: 'subt_amount', title: 'Amount', money: true, cell: (i) => ({ value: reportMoney(i.amount) }) },
  subt_open_bal: { type: 'subt_open_bal', title: 'Open Balance', money: true, cell: (i) => ({ value: reportMoney(i.open) }) },
};

const DEFAULT_COLUMNS = ['tx_date', 'txn_type', 'doc_num', 'cust_name', 'due_date', 'subt_amount', 'subt_open_bal'];

/** Section labels: "Current", "1 - 30 days past due", …, "91 or more days past due" (last label UNVERIFIED). */
function sectionLabels(params: AgingParams): string[] {
  return bucketTitles(params).map((title, i) => {
    if (i === 0) return 'Current';
    if (i === params.numPeriods) return `${(params.numPeriods - 1) * params.agingPeriod + 1} or more days past due`;
    return `${title} days past due`;
  });
}

/**
 * `GET /reports/AgedReceivableDetail`: one section per non-empty bucket (Current first), each with
 * a Data row per open transaction and a "Total for <bucket>" Summary; then the GrandTotal section.
 * @throws QboFault 2170 for an unknown column
 */
export function agedReceivableDetail(company: Company, params: AgingParams, columnsParam: string | null): Record<string, unknown> {
  const columnKeys = columnsParam ? columnsParam.split(',').map((c) => c.trim()).filter(Boolean) : DEFAULT_COLUMNS;
  const columns = columnKeys.map((key) => {
    const column = COLUMNS[key];
    if (!column) throw Faults.invalidEnumeration('columns', key);
    return column;
  });
  const labels = sectionLabels(params);
  const items = openItems(company, params).sort(
    (a, b) =>
      (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) * (params.descending ? -1 : 1) ||
      a.customerName.localeCompare(b.customerName) ||
      Number(a.record.id) - Number(b.record.id),
  );

  const emptyCells = (first: string) => [{ value: first }, ...columns.slice(1).map(() => ({ value: '' }))];
  const totalsRow = (label: string, group: OpenItem[]) => {
    const cells: { value: string }[] = emptyCells(label);
    columns.forEach((column, i) => {
      if (!column.money) return;
      const total = group.reduce((acc: Decimal, item) => acc.plus(column.type === 'subt_amount' ? item.amount : item.open), ZERO);
      cells[i] = { value: reportMoney(total) };
    });
    if (columns[0]?.money) cells[0] = { value: label };
    return cells;
  };

  const rows: Record<string, unknown>[] = [];
  labels.forEach((label, bucket) => {
    const group = items.filter((item) => item.bucket === bucket);
    if (group.length === 0) return;
    rows.push({
      Header: { ColData: emptyCells(label) },
      Rows: { Row: group.map((item) => ({ ColData: columns.map((c) => c.cell(item)), type: 'Data' })) },
      Summary: { ColData: totalsRow(`Total for ${label}`, group) },
      type: 'Section',
    });
  });
  const hasData = rows.length > 0;
  if (hasData) rows.push({ Summary: { ColData: totalsRow('TOTAL', items) }, type: 'Section', group: 'GrandTotal' });

  return {
    Header: reportHeader(company, 'AgedReceivableDetail', params, hasData),
    Columns: { Column: columns.map((c) => ({ ColType: c.type, ColTitle: c.title })) },
    Rows: hasData ? { Row: rows } : {},
  };
}

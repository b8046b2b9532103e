import { Decimal } from 'decimal.js';
import { Company } from '../company-store';
import { ZERO, reportMoney } from '../money';
import { AgingParams, bucketTitles, openItems, reportHeader } from './aging';

/**
 * `GET /reports/AgedReceivables` (A/R aging summary), shaped like Intuit's sample (reference §9.2):
 * one row per customer with a non-zero open balance (zero cells are ""), then the GrandTotal
 * section whose Summary row starts with "TOTAL" (zero cells "0.00"). Amounts are strings.
 */
export function agedReceivables(company: Company, params: AgingParams): Record<string, unknown> {
  const titles = bucketTitles(params);
  const byCustomer = new Map<string, { name: string; buckets: Decimal[] }>();
  for (const item of openItems(company, params)) {
    let row = byCustomer.get(item.customerId);
    if (!row) byCustomer.set(item.customerId, (row = { name: item.customerName, buckets: titles.map(() => ZERO) }));
    row.buckets[item.bucket] = row.buckets[item.bucket].plus(item.open);
  }

  const rows = [...byCustomer.entries()]
    .map(([id, row]) => ({ id, ...row, total: row.buckets.reduce((a, b) => a.plus(b), ZERO) }))
    .filter((row) => !row.total.isZero() || row.buckets.some((b) => !b.isZero()))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) * (params.descending ? -1 : 1));

  const grand = titles.map(() => ZERO);
  for (const row of rows) row.buckets.forEach((b, i) => (grand[i] = grand[i].plus(b)));
  const grandTotal = grand.reduce((a, b) => a.plus(b), ZERO);

  const cell = (v: Decimal) => ({ value: v.isZero() ? '' : reportMoney(v) });
  const reportRows: Record<string, unknown>[] = rows.map((row) => ({
    ColData: [{ value: row.name, id: row.id }, ...row.buckets.map(cell), { value: reportMoney(row.total) }],
  }));
  const hasData = reportRows.length > 0;
  if (hasData) {
    reportRows.push({
      Summary: { ColData: [{ value: 'TOTAL' }, ...grand.map((v) => ({ value: reportMoney(v) })), { value: reportMoney(grandTotal) }] },
      type: 'Section',
      group: 'GrandTotal',
    });
  }
  return {
    Header: reportHeader(company, 'AgedReceivables', params, hasData),
    Columns: {
      Column: [
        { ColType: 'Customer', ColTitle: '' },
        ...titles.map((t) => ({ ColType: 'Money', ColTitle: t })),
        { ColType: 'Money', ColTitle: 'Total' },
      ],
    },
    Rows: hasData ? { Row: reportRows } : {},
  };
}

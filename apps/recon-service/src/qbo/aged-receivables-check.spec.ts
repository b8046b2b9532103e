import { agingBuckets, DEFAULT_AGING_SCHEDULE, type QboItem } from '@arbiter/domain';
import type { AgedReceivablesSummary } from '@arbiter/qbo-client';
import { crossCheckAgedReceivables } from './aged-receivables-check';

const options = { asOf: '2026-10-31', basis: 'due_date' as const, schedule: DEFAULT_AGING_SCHEDULE, bucketDefinitions: agingBuckets(), currency: 'USD' };
const item = (customerId: string, dueDate: string, openMinor: bigint): QboItem => ({
  kind: 'invoice',
  id: `${customerId}-${dueDate}`,
  customerId,
  txnDate: dueDate,
  dueDate,
  totalMinor: openMinor,
  openMinor,
});
const summary = (rows: AgedReceivablesSummary['rows'], tiesOut = true): AgedReceivablesSummary => ({
  reportName: 'AgedReceivables',
  noReportData: false,
  bucketTitles: ['Current', '1 - 30', '31 - 60', '61 - 90', '91 and over'],
  rows,
  grandTotal: { buckets: [], total: '0' },
  tieOut: { rowsTotal: '0', reportTotal: tiesOut ? '0' : '1', difference: tiesOut ? '0' : '1', tiesOut },
});

describe(crossCheckAgedReceivables.name, () => {
  it('finds nothing when the report agrees with the entities, cell by cell', () => {
    const sut = crossCheckAgedReceivables(
      { ok: true, summary: summary([{ customerId: '58', customerName: 'A', buckets: ['100.00', '0', '0', '0', '-5.00'], total: '95.00' }]) },
      [item('58', '2026-11-30', 10000n), item('58', '2026-01-01', -500n)],
      options,
    );
    expect(sut).toEqual([]);
  });

  it('lists the customer buckets where the report and the entities differ', () => {
    const sut = crossCheckAgedReceivables(
      { ok: true, summary: summary([{ customerId: '58', customerName: 'A', buckets: ['100.00', '20.00', '0', '0', '0'], total: '120.00' }]) },
      [item('58', '2026-11-30', 10000n), item('59', '2026-10-01', 700n)],
      options,
    );
    expect(sut).toEqual([
      expect.objectContaining({
        kind: 'qbo_report_mismatch',
        details: {
          comparedBy: 'customer and bucket',
          count: 2,
          net: '13.00',
          cells: [
            { qboCustomerId: '58', bucket: '1-30', report: '20.00', entities: '0.00', difference: '20.00' },
            { qboCustomerId: '59', bucket: '1-30', report: '0.00', entities: '7.00', difference: '-7.00' },
          ],
        },
      }),
    ]);
  });

  it('compares per customer total when the run ages by issue date, which the report does not', () => {
    const sut = crossCheckAgedReceivables(
      { ok: true, summary: summary([{ customerId: '58', customerName: 'A', buckets: ['0', '100.00', '0', '0', '0'], total: '100.00' }]) },
      [item('58', '2026-11-30', 10000n)],
      { ...options, basis: 'issue_date' },
    );
    expect(sut).toEqual([]);
  });

  it('records a report that does not add up to its own total, and one that could not be read', () => {
    expect(crossCheckAgedReceivables({ ok: true, summary: summary([], false) }, [], options).map((f) => f.kind)).toEqual(['qbo_report_untied']);
    expect(crossCheckAgedReceivables({ ok: false, error: 'QboServerError: down' }, [], options)).toEqual([
      expect.objectContaining({ kind: 'qbo_report_unavailable', message: expect.stringContaining('down') }),
    ]);
    expect(crossCheckAgedReceivables(null, [], options)).toEqual([]);
  });
});

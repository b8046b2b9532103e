import { fixtureText } from './__fixtures__/fake-http-server';
import { parseAgedReceivableDetail, parseAgedReceivables, type QboReport } from './aged-receivables-report';

const report = (name: string) => JSON.parse(fixtureText(name)) as QboReport;

describe(parseAgedReceivables.name, () => {
  it('reads Intuit\'s sample into one row per customer and takes the total from the report', () => {
    const sut = parseAgedReceivables(report('aged-receivables.json'));

    expect(sut.reportDate).toBe('2015-12-31');
    expect(sut.currency).toBe('USD');
    expect(sut.noReportData).toBe(false);
    expect(sut.bucketTitles).toEqual(['Current', '1 - 30', '31 - 60', '61 - 90', '91 and over']);
    expect(sut.rows).toEqual([{ customerId: '4', customerName: 'Jane Litigious', buckets: ['0', '0', '0', '0', '37.50'], total: '37.50' }]);
    expect(sut.grandTotal).toEqual({ buckets: ['0.00', '0.00', '0.00', '0.00', '37.50'], total: '37.50' });
    expect(sut.tieOut).toEqual({ rowsTotal: '37.5', reportTotal: '37.50', difference: '0', tiesOut: true });
  });

  it('descends into parent sections but never adds their headers or "Total for" summaries', () => {
    const sut = parseAgedReceivables(report('aged-receivables-sub-customers.json'));

    expect(sut.rows.map((r) => r.customerName)).toEqual([
      'Jane Litigious',
      'Freeman Sporting Goods:0969 Ocean View Road',
      'Freeman Sporting Goods:55 Twin Lane',
      "Bill's Windsurf Shop",
    ]);
    expect(sut.rows.map((r) => r.customerId)).toEqual(['4', '9', '10', '2']);
    // Had the section summary (12345678901315.86) been added, rows would exceed the report's total.
    expect(sut.grandTotal?.total).toBe('12345678901428.36');
    expect(sut.tieOut).toEqual({ rowsTotal: '12345678901428.36', reportTotal: '12345678901428.36', difference: '0', tiesOut: true });
  });

  it('keeps each cell exactly as printed (cents of fourteen-digit amounts, trailing zeros, negatives)', () => {
    const sut = parseAgedReceivables(report('aged-receivables-sub-customers.json'));
    const oceanView = sut.rows[1];

    expect(oceanView.buckets.slice(0, 2)).toEqual(['0.10', '0.20']);
    expect(oceanView.total).toBe('0.30');
    expect(sut.rows[2].buckets[0]).toBe('12345678901234.56');
    expect(sut.rows[3].buckets[4]).toBe('-10.00');
  });

  it('reports a mismatch instead of hiding it', () => {
    const r = report('aged-receivables.json');
    const total = r.Rows?.Row?.[1].Summary?.ColData;
    if (!total) throw new Error('fixture changed');
    total[6].value = '40.00';

    expect(parseAgedReceivables(r).tieOut).toEqual({ rowsTotal: '37.5', reportTotal: '40.00', difference: '2.5', tiesOut: false });
  });

  it('says so when there is no total row at all', () => {
    const r = report('aged-receivables.json');
    r.Rows?.Row?.pop();

    const sut = parseAgedReceivables(r);
    expect(sut.grandTotal).toBeUndefined();
    expect(sut.tieOut.tiesOut).toBe(false);
  });

  it('handles a report with no data', () => {
    const sut = parseAgedReceivables({
      Header: { ReportName: 'AgedReceivables', Option: [{ Name: 'NoReportData', Value: 'true' }] },
      Columns: { Column: [{ ColType: 'Customer' }, { ColType: 'Money', ColTitle: 'Total' }] },
      Rows: {},
    });

    expect(sut.noReportData).toBe(true);
    expect(sut.rows).toEqual([]);
  });

  it('refuses a money cell that is not a number', () => {
    const r = report('aged-receivables.json');
    const row = r.Rows?.Row?.[0].ColData;
    if (!row) throw new Error('fixture changed');
    row[5].value = 'n/a';

    expect(() => parseAgedReceivables(r)).toThrow(/not an amount/);
  });
});

describe(parseAgedReceivableDetail.name, () => {
  const sut = parseAgedReceivableDetail(report('aged-receivable-detail.json'));

  it('reads one typed row per open transaction with its bucket', () => {
    expect(sut.rows).toHaveLength(3);
    expect(sut.rows[0]).toMatchObject({
      bucket: 'Current',
      txnDate: '2015-06-20',
      txnType: 'Invoice',
      txnId: '130',
      docNumber: '1037',
      customerId: '8',
      customerName: 'Freeman Sporting Goods:0969 Ocean View Road',
      dueDate: '2015-07-20',
      amount: '100.00',
      openBalance: '100.00',
    });
    expect(sut.rows[2]).toMatchObject({ bucket: '31 - 60 days past due', txnId: '96', amount: '250.00', openBalance: '200.20' });
  });

  it('records bucket totals in both shapes without adding them', () => {
    expect(sut.bucketTotals).toEqual([
      { bucket: 'Current', total: '100.10' },
      { bucket: '31 - 60 days past due', total: '200.20' },
    ]);
  });

  it('groups leaf rows per customer and ties to the report total exactly (100.00 + 0.10 + 200.20 = 300.30, not 300.29999…)', () => {
    expect(sut.byCustomer).toEqual([
      { customerId: '8', customerName: 'Freeman Sporting Goods:0969 Ocean View Road', buckets: { Current: '100', '31 - 60 days past due': '200.2' }, total: '300.2' },
      { customerId: '4', customerName: 'Jane Litigious', buckets: { Current: '0.1' }, total: '0.1' },
    ]);
    expect(sut.grandTotal).toBe('300.30');
    expect(sut.tieOut).toEqual({ rowsTotal: '300.3', reportTotal: '300.30', difference: '0', tiesOut: true });
  });
});

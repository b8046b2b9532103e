import { Decimal } from 'decimal.js';
import { AnyJson, Harness, createCustomer, createInvoice, salesLine, startSandbox } from './sandbox-harness';

type Realm = { realmId: string; token: string };
type Row = { ColData: { value: string; id?: string }[]; Summary?: { ColData: { value: string }[] }; group?: string; type?: string; Rows?: { Row: Row[] }; Header?: { ColData: { value: string }[] } };

const D = (v: Decimal.Value) => new Decimal(v);
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const bucketOf = (pastDue: number, period = 30, periods = 4) => (pastDue <= 0 ? 0 : Math.min(Math.ceil(pastDue / period), periods));

describe('AgedReceivables and AgedReceivableDetail (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());

  const report = (realm: Realm, name: string, params: string) => h.qbo('GET', `/reports/${name}?${params}`, undefined, realm);

  /** Every open A/R item from the entities themselves: invoices (Balance), credit memos and unapplied payments (negative). */
  async function openItemsFromEntities(realm: Realm) {
    const all = async (entity: string) => {
      const res = await h.qbo('GET', `/query?query=${encodeURIComponent(`select * from ${entity} maxresults 1000`)}`, undefined, realm);
      return (res.json.QueryResponse[entity] ?? []) as AnyJson[];
    };
    const items: { customerId: string; basis: string; open: Decimal }[] = [];
    for (const inv of await all('Invoice')) if (D(inv.Balance).gt(0)) items.push({ customerId: inv.CustomerRef.value, basis: inv.DueDate, open: D(inv.Balance) });
    for (const cm of await all('CreditMemo')) if (D(cm.Balance).gt(0)) items.push({ customerId: cm.CustomerRef.value, basis: cm.TxnDate, open: D(cm.Balance).negated() });
    for (const p of await all('Payment')) if (D(p.UnappliedAmt).gt(0)) items.push({ customerId: p.CustomerRef.value, basis: p.TxnDate, open: D(p.UnappliedAmt).negated() });
    return items;
  }

  it('ties out: per customer, per bucket and grand total equal the open balances of the entities', async () => {
    const asOf = '2026-10-31';
    const realm = await h.newRealm({ seed: 11, customers: 12, items: 4, invoices: 120, payments: 60, asOf, spreadDays: 200 });
    // add a credit memo and an unapplied payment so negative items are covered
    const c = await createCustomer(h, 'Credit Holder', {}, realm);
    await h.qbo('POST', '/creditmemo', { CustomerRef: { value: c.Id }, TxnDate: '2026-09-15', Line: [salesLine('19.99')] }, realm);
    await h.qbo('POST', '/payment', { CustomerRef: { value: c.Id }, TxnDate: '2026-10-30', TotalAmt: '5.01' }, realm);
    await createInvoice(h, c.Id, ['12.34'], { TxnDate: '2026-01-02', DueDate: '2026-01-02' }, realm);

    const items = await openItemsFromEntities(realm);
    const expected = new Map<string, Decimal[]>();
    for (const item of items) {
      const row = expected.get(item.customerId) ?? [0, 1, 2, 3, 4].map(() => D(0));
      const b = bucketOf(days(item.basis, asOf));
      row[b] = row[b].plus(item.open);
      expected.set(item.customerId, row);
    }

    const res = await report(realm, 'AgedReceivables', `report_date=${asOf}&aging_period=30&num_periods=4`);
    expect(res.status).toBe(200);
    const body = res.json;
    expect(body.Columns.Column.map((c: { ColTitle: string }) => c.ColTitle)).toEqual(['', 'Current', '1 - 30', '31 - 60', '61 - 90', '91 and over', 'Total']);
    const rows: Row[] = body.Rows.Row;
    const grand = rows.find((r) => r.group === 'GrandTotal');
    expect(grand).toMatchObject({ type: 'Section', group: 'GrandTotal' });
    const customerRows = rows.filter((r) => r.group !== 'GrandTotal');
    const nonZero = [...expected.entries()].filter(([, b]) => b.some((x) => !x.isZero()));
    expect(customerRows).toHaveLength(nonZero.length);
    for (const row of customerRows) {
      const id = row.ColData[0].id as string;
      const want = expected.get(id) as Decimal[];
      const got = row.ColData.slice(1, 6).map((c) => (c.value === '' ? D(0) : D(c.value)));
      expect(got.map((x) => x.toFixed(2))).toEqual(want.map((x) => x.toFixed(2)));
      expect(row.ColData[6].value).toBe(want.reduce((a, b) => a.plus(b), D(0)).toFixed(2));
    }
    const bucketTotals = [0, 1, 2, 3, 4].map((i) => [...expected.values()].reduce((a, b) => a.plus(b[i]), D(0)));
    const total = items.reduce((a, i) => a.plus(i.open), D(0));
    expect(grand?.Summary?.ColData.map((c) => c.value)).toEqual(['TOTAL', ...bucketTotals.map((x) => x.toFixed(2)), total.toFixed(2)]);

    // The detail report agrees with the summary: same grand total, sections sum their rows.
    const detail = (await report(realm, 'AgedReceivableDetail', `report_date=${asOf}`)).json;
    const sections: Row[] = detail.Rows.Row.filter((r: Row) => r.group !== 'GrandTotal');
    let detailTotal = D(0);
    let count = 0;
    for (const section of sections) {
      const openCol = detail.Columns.Column.findIndex((c: { ColType: string }) => c.ColType === 'subt_open_bal');
      const rowsSum = (section.Rows?.Row ?? []).reduce((a, r) => a.plus(D(r.ColData[openCol].value)), D(0));
      count += section.Rows?.Row.length ?? 0;
      expect(section.Summary?.ColData[openCol].value).toBe(rowsSum.toFixed(2));
      expect(section.Summary?.ColData[0].value).toBe(`Total for ${section.Header?.ColData[0].value}`);
      detailTotal = detailTotal.plus(rowsSum);
    }
    expect(count).toBe(items.length);
    expect(detailTotal.toFixed(2)).toBe(total.toFixed(2));
    const detailGrand = detail.Rows.Row.find((r: Row) => r.group === 'GrandTotal');
    expect(detailGrand.Summary.ColData[0].value).toBe('TOTAL');
    expect(detailGrand.Summary.ColData[6].value).toBe(total.toFixed(2));
  });

  it('places amounts by days past due with string amounts ("37.50"), and ages as of the report date', async () => {
    const realm = await h.newRealm();
    const a = await createCustomer(h, 'Jane Litigious', {}, realm);
    const b = await createCustomer(h, 'Amy Bird', {}, realm);
    await createInvoice(h, a.Id, ['37.5'], { TxnDate: '2015-08-01', DueDate: '2015-08-31' }, realm); // 122 days past 2015-12-31
    const partly = await createInvoice(h, b.Id, ['100'], { TxnDate: '2015-12-01', DueDate: '2015-12-16' }, realm); // 15 days
    await createInvoice(h, b.Id, ['10'], { TxnDate: '2015-12-20', DueDate: '2016-01-19' }, realm); // current
    await h.qbo('POST', '/payment', { CustomerRef: { value: b.Id }, TxnDate: '2015-12-20', TotalAmt: 40, Line: [{ Amount: 40, LinkedTxn: [{ TxnId: partly.Id, TxnType: 'Invoice' }] }] }, realm);
    // paid after the report date: still open as of 2015-12-31
    await h.qbo('POST', '/payment', { CustomerRef: { value: b.Id }, TxnDate: '2016-01-05', TotalAmt: 60, Line: [{ Amount: 60, LinkedTxn: [{ TxnId: partly.Id, TxnType: 'Invoice' }] }] }, realm);
    // an invoice dated after the report date is not there yet
    await createInvoice(h, a.Id, ['999'], { TxnDate: '2016-01-02' }, realm);

    const res = await report(realm, 'AgedReceivables', 'report_date=2015-12-31');
    const rows: Row[] = res.json.Rows.Row;
    expect(rows[0].ColData).toEqual([{ value: 'Amy Bird', id: b.Id }, { value: '10.00' }, { value: '60.00' }, { value: '' }, { value: '' }, { value: '' }, { value: '70.00' }]);
    expect(rows[1].ColData).toEqual([{ value: 'Jane Litigious', id: a.Id }, { value: '' }, { value: '' }, { value: '' }, { value: '' }, { value: '37.50' }, { value: '37.50' }]);
    expect(rows[2].Summary?.ColData.map((c) => c.value)).toEqual(['TOTAL', '10.00', '60.00', '0.00', '0.00', '37.50', '107.50']);
    expect(res.json.Header).toMatchObject({ ReportName: 'AgedReceivables', Currency: 'USD', Option: [{ Name: 'report_date', Value: '2015-12-31' }, { Name: 'NoReportData', Value: 'false' }] });

    // customer filter, other periods
    const onlyA = await report(realm, 'AgedReceivables', `report_date=2015-12-31&customer=${a.Id}&aging_period=60&num_periods=2`);
    expect(onlyA.json.Columns.Column.map((c: { ColTitle: string }) => c.ColTitle)).toEqual(['', 'Current', '1 - 60', '61 and over', 'Total']);
    expect(onlyA.json.Rows.Row[0].ColData.map((c: { value: string }) => c.value)).toEqual(['Jane Litigious', '', '', '37.50', '37.50']);
    expect(onlyA.json.Header.Customer).toBe(a.Id);

    const detail = await report(realm, 'AgedReceivableDetail', 'report_date=2015-12-31');
    const labels = detail.json.Rows.Row.map((r: Row) => r.Header?.ColData[0].value ?? r.group);
    expect(labels).toEqual(['Current', '1 - 30 days past due', '91 or more days past due', 'GrandTotal']);
    const first = detail.json.Rows.Row[1].Rows.Row[0];
    expect(first.type).toBe('Data');
    expect(first.ColData.map((c: { value: string }) => c.value)).toEqual(['2015-12-01', 'Invoice', partly.DocNumber, 'Amy Bird', '2015-12-16', '100.00', '60.00']);
    expect(first.ColData[1].id).toBe(partly.Id);

    const pastDue = await report(realm, 'AgedReceivableDetail', 'report_date=2015-12-31&past_due=30&columns=doc_num,subt_open_bal');
    expect(pastDue.json.Columns.Column).toEqual([{ ColType: 'doc_num', ColTitle: 'Num' }, { ColType: 'subt_open_bal', ColTitle: 'Open Balance' }]);
    expect(pastDue.json.Rows.Row).toHaveLength(2);
  });

  it('an empty company reports NoReportData "true" with no rows', async () => {
    const realm = await h.newRealm();
    const res = await report(realm, 'AgedReceivables', 'report_date=2026-01-31');
    expect(res.json.Rows).toEqual({});
    expect(res.json.Header.Option).toContainEqual({ Name: 'NoReportData', Value: 'true' });
  });

  it('ages from the transaction date when ReportPrefs.CalcAgingReportFromTxnDate is on, and understands date_macro', async () => {
    const realm = await h.newRealm();
    const c = await createCustomer(h, 'Txn Date Aging', {}, realm);
    await createInvoice(h, c.Id, ['10'], { TxnDate: '2026-01-01', DueDate: '2026-03-01' }, realm);
    const byDue = await report(realm, 'AgedReceivables', 'report_date=2026-02-15');
    expect(byDue.json.Rows.Row[0].ColData[1].value).toBe('10.00');
    await h.control('PATCH', `/realms/${realm.realmId}/preferences`, { ReportPrefs: { CalcAgingReportFromTxnDate: true } });
    const byTxn = await report(realm, 'AgedReceivables', 'report_date=2026-02-15');
    expect(byTxn.json.Rows.Row[0].ColData[3].value).toBe('10.00'); // 45 days → 31 - 60
    const macro = await report(realm, 'AgedReceivables', 'date_macro=Today');
    expect(macro.json.Header.DateMacro).toBe('today');
    expect((await report(realm, 'AgedReceivables', 'report_date=2026-13-01')).status).toBe(400);
    expect((await report(realm, 'ProfitAndLoss', '')).status).toBe(400);
  });
});

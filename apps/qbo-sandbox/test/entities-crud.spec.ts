import { Harness, createCustomer, createInvoice, numberTextOf, salesLine, startSandbox } from './sandbox-harness';

describe('entities: create, read, update, delete (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());

  it('creates and reads back a customer in the { Customer, time } envelope with Id, SyncToken and MetaData', async () => {
    const res = await h.qbo('POST', '/customer', { DisplayName: 'Envelope Co', PrimaryEmailAddr: { Address: 'a@b.co' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('intuit_tid')).toMatch(/^1-/);
    const c = res.json.Customer;
    expect(typeof c.Id).toBe('string');
    expect(c.SyncToken).toBe('0');
    expect(c.domain).toBe('QBO');
    expect(c.sparse).toBe(false);
    expect(c.MetaData.CreateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/);
    expect(res.json.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[-+]\d{2}:\d{2}$/);
    const read = await h.qbo('GET', `/customer/${c.Id}`);
    expect(read.json.Customer.DisplayName).toBe('Envelope Co');
    expect(read.json.Customer.Balance).toBe(0);
  });

  it('fills the invoice the way QuickBooks does: line Ids, SubTotalLine, DocNumber, DueDate from terms, names on refs', async () => {
    const c = await createCustomer(h, 'Terms Customer', { SalesTermRef: { value: '4' }, BillAddr: { Line1: '1 Main' } });
    const res = await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, TxnDate: '2026-01-10', Line: [salesLine('12.5'), salesLine('7.5')] });
    expect(res.status).toBe(200);
    const inv = res.json.Invoice;
    expect(inv.Line.map((l: { Id?: string }) => l.Id)).toEqual(['1', '2', undefined]);
    expect(inv.Line[2]).toEqual({ Amount: 20, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
    expect(inv.Line[0].SalesItemLineDetail.ItemRef).toEqual({ value: '1', name: 'Services' });
    expect(inv.Line[0].SalesItemLineDetail.TaxCodeRef).toEqual({ value: 'NON' });
    expect(inv.CustomerRef).toEqual({ value: c.Id, name: 'Terms Customer' });
    expect(inv.SalesTermRef).toEqual({ value: '4', name: 'Net 60' });
    expect(inv.DueDate).toBe('2026-03-11');
    expect(inv.BillAddr).toEqual({ Line1: '1 Main' });
    expect(inv.DocNumber).toMatch(/^\d+$/);
    expect(inv.TotalAmt).toBe(20);
    expect(inv.Balance).toBe(20);
    // the company default (Net 30) applies when neither invoice nor customer names terms
    const plain = await createCustomer(h, 'No Terms Customer');
    const inv2 = await createInvoice(h, plain.Id, ['1'], { TxnDate: '2015-07-24' });
    expect(inv2.DueDate).toBe('2015-08-23');
    expect(Number(inv2.DocNumber)).toBe(Number(inv.DocNumber) + 1);
  });

  it('keeps money exact: decimal text in, exact sums out (no float drift)', async () => {
    const c = await createCustomer(h, 'Exact Money');
    // Raw text on purpose: 0.1 and 0.2 arrive as JSON numbers and must never become floats.
    const res = await h.qbo('POST', '/invoice', undefined, { headers: { 'content-type': 'application/json' }, rawBody: `{"CustomerRef":{"value":"${c.Id}"},"Line":[{"DetailType":"SalesItemLineDetail","Amount":0.1,"SalesItemLineDetail":{"ItemRef":{"value":"1"}}},{"DetailType":"SalesItemLineDetail","Amount":0.2,"SalesItemLineDetail":{"ItemRef":{"value":"1"}}},{"DetailType":"SalesItemLineDetail","Amount":1234567890123.45,"SalesItemLineDetail":{"ItemRef":{"value":"1"}}}]}` });
    expect(res.status).toBe(200);
    expect(numberTextOf(res.text, 'TotalAmt')).toEqual(['1234567890123.75']);
    expect(numberTextOf(res.text, 'Balance')).toEqual(['1234567890123.75']);
    const subtotal = res.json.Invoice.Line.find((l: { DetailType: string }) => l.DetailType === 'SubTotalLineDetail');
    expect(subtotal).toBeDefined();
    expect(res.text).toContain('"Amount":0.1,');
  });

  it('checks Amount against Qty × UnitPrice (6070) and computes percent discounts', async () => {
    const c = await createCustomer(h, 'Qty Customer');
    const bad = await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [salesLine('10.00', '1', { Qty: 3, UnitPrice: '3.33' })] });
    expect(bad.status).toBe(400);
    expect(bad.json.Fault.Error[0].code).toBe('6070');
    const good = await h.qbo('POST', '/invoice', {
      CustomerRef: { value: c.Id },
      Line: [
        salesLine('9.99', '1', { Qty: 3, UnitPrice: '3.33' }),
        { DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } },
      ],
    });
    expect(good.status).toBe(200);
    expect(numberTextOf(good.text, 'TotalAmt')).toEqual(['8.99']); // 9.99 − round(0.999) = 9.99 − 1.00
  });

  it('a stale SyncToken is refused with 5010 and leaves the object unchanged', async () => {
    const c = await createCustomer(h, 'Stale Target');
    const first = await h.qbo('POST', '/customer', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'first' });
    expect(first.status).toBe(200);
    expect(first.json.Customer.SyncToken).toBe('1');
    const stale = await h.qbo('POST', '/customer?operation=update', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'second' });
    expect(stale.status).toBe(400);
    expect(stale.json.Fault).toEqual({
      Error: [
        {
          Message: 'Stale Object Error',
          Detail: expect.stringMatching(/^Stale Object Error : You and .* were working on this at the same time/),
          code: '5010',
          element: '',
        },
      ],
      type: 'ValidationFault',
    });
    expect((await h.qbo('GET', `/customer/${c.Id}`)).json.Customer.Notes).toBe('first');
    const missing = await h.qbo('POST', '/customer?operation=update', { Id: c.Id, sparse: true, Notes: 'x' });
    expect(missing.json.Fault.Error[0].code).toBe('2020');
  });

  it('sparse update changes only the fields sent; a Line array still replaces every line', async () => {
    const c = await createCustomer(h, 'Sparse Customer');
    const inv = await createInvoice(h, c.Id, ['10', '20'], { PrivateNote: 'keep me', DueDate: '2030-01-01' });
    const res = await h.qbo('POST', '/invoice', { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, DueDate: '2030-02-02' });
    expect(res.status).toBe(200);
    expect(res.json.Invoice.DueDate).toBe('2030-02-02');
    expect(res.json.Invoice.PrivateNote).toBe('keep me');
    expect(res.json.Invoice.TotalAmt).toBe(30);
    const lines = await h.qbo('POST', '/invoice', {
      Id: inv.Id,
      SyncToken: res.json.Invoice.SyncToken,
      sparse: true,
      Line: [{ Id: '2', ...salesLine('25') }],
    });
    expect(lines.status).toBe(200);
    expect(lines.json.Invoice.Line.filter((l: { DetailType: string }) => l.DetailType === 'SalesItemLineDetail').map((l: { Id: string }) => l.Id)).toEqual(['2']);
    expect(lines.json.Invoice.TotalAmt).toBe(25);
  });

  it('full update sets omitted writable fields to empty', async () => {
    const c = await createCustomer(h, 'Full Update Customer');
    const inv = await createInvoice(h, c.Id, ['10'], { PrivateNote: 'will vanish', CustomerMemo: { value: 'memo' } });
    const res = await h.qbo('POST', '/invoice', { Id: inv.Id, SyncToken: inv.SyncToken, CustomerRef: { value: c.Id }, Line: [salesLine('11')], DocNumber: inv.DocNumber, TxnDate: inv.TxnDate });
    expect(res.status).toBe(200);
    expect(res.json.Invoice.PrivateNote).toBeUndefined();
    expect(res.json.Invoice.CustomerMemo).toBeUndefined();
    expect(res.json.Invoice.TotalAmt).toBe(11);
    expect(res.json.Invoice.SyncToken).toBe('1');
  });

  it('delete leaves nothing to read (610) and name-list objects can only be deactivated', async () => {
    const c = await createCustomer(h, 'Deletion Customer');
    const inv = await createInvoice(h, c.Id, ['10']);
    const del = await h.qbo('POST', '/invoice?operation=delete', { Id: inv.Id, SyncToken: inv.SyncToken });
    expect(del.status).toBe(200);
    expect(del.json.Invoice).toEqual({ domain: 'QBO', status: 'Deleted', Id: inv.Id });
    const read = await h.qbo('GET', `/invoice/${inv.Id}`);
    expect(read.status).toBe(400);
    expect(read.json.Fault.Error[0]).toMatchObject({ code: '610', Message: 'Object Not Found' });
    const custDelete = await h.qbo('POST', '/customer?operation=delete', { Id: c.Id, SyncToken: c.SyncToken });
    expect(custDelete.status).toBe(400);
    const deactivate = await h.qbo('POST', '/customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Active: false });
    expect(deactivate.json.Customer.Active).toBe(false);
  });

  it('void sets amounts to zero, prepends "Voided", bumps SyncToken; a voided invoice cannot be edited', async () => {
    const c = await createCustomer(h, 'Void Customer');
    const inv = await createInvoice(h, c.Id, ['10'], { Line: [salesLine('10', '1', { Qty: 2, UnitPrice: 5 })] });
    const res = await h.qbo('POST', '/invoice?operation=void', { Id: inv.Id, SyncToken: inv.SyncToken });
    expect(res.status).toBe(200);
    expect(res.json.Invoice).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided', SyncToken: '1', LinkedTxn: [] });
    expect(res.json.Invoice.Line[0].SalesItemLineDetail.Qty).toBe(0);
    const edit = await h.qbo('POST', '/invoice', { Id: inv.Id, SyncToken: '1', sparse: true, DueDate: '2031-01-01' });
    expect(edit.status).toBe(400);
    expect(edit.json.Fault.Error[0].code).toBe('6000');
  });

  it('rejects unknown properties (2010) and malformed JSON with a ValidationFault', async () => {
    const c = await createCustomer(h, 'Unknown Field');
    const res = await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [salesLine(1)], NotAField: 1 });
    expect(res.status).toBe(400);
    expect(res.json.Fault.Error[0]).toMatchObject({ code: '2010', element: 'NotAField' });
    const malformed = await h.qbo('POST', '/invoice', undefined, { rawBody: '{"CustomerRef":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.Fault.type).toBe('ValidationFault');
  });

  it('serves items, accounts, terms, preferences and company info', async () => {
    const acct = await h.qbo('POST', '/account', { Name: 'Consulting Income', AccountType: 'Income' });
    expect(acct.json.Account).toMatchObject({ Classification: 'Revenue', FullyQualifiedName: 'Consulting Income', Active: true });
    const noType = await h.qbo('POST', '/account', { Name: 'Typeless' });
    expect(noType.json.Fault.Error[0].code).toBe('6010');
    const item = await h.qbo('POST', '/item', { Name: 'Consulting', Type: 'Service', UnitPrice: '150.00', IncomeAccountRef: { value: acct.json.Account.Id } });
    expect(item.status).toBe(200);
    expect(item.json.Item.IncomeAccountRef).toEqual({ value: acct.json.Account.Id, name: 'Consulting Income' });
    const noIncome = await h.qbo('POST', '/item', { Name: 'No Income', Type: 'Service' });
    expect(noIncome.json.Fault.Error[0].code).toBe('2020');
    const term = await h.qbo('POST', '/term', { Name: 'Net 45', DueDays: 45 });
    expect(term.json.Term).toMatchObject({ Type: 'STANDARD', DueDays: 45, Active: true, SyncToken: '0' });
    const dateDriven = await h.qbo('POST', '/term', { Name: '15th next month', Type: 'DATE_DRIVEN', DayOfMonthDue: 15, DueNextMonthDays: 10 });
    expect(dateDriven.status).toBe(200);
    const c = await createCustomer(h, 'Date Driven');
    const inv = await createInvoice(h, c.Id, ['1'], { TxnDate: '2026-03-08', SalesTermRef: { value: dateDriven.json.Term.Id } });
    expect(inv.DueDate).toBe('2026-04-15');

    const prefs = await h.qbo('GET', '/preferences');
    expect(prefs.json.Preferences.SalesFormsPrefs.CustomTxnNumbers).toBe(true);
    const companyInfo = await h.qbo('GET', `/companyinfo/${h.realmId}`);
    expect(companyInfo.json.CompanyInfo).toMatchObject({ Id: '1', Country: 'US' });
    const upd = await h.qbo('POST', '/preferences', { Id: '1', SyncToken: prefs.json.Preferences.SyncToken, sparse: true, SalesFormsPrefs: { AllowDeposit: false } });
    expect(upd.json.Preferences.SalesFormsPrefs).toMatchObject({ AllowDeposit: false, CustomTxnNumbers: true });
  });

  it('sends an invoice (EmailStatus EmailSent) and renders it as PDF', async () => {
    const c = await createCustomer(h, 'Email Customer', { PrimaryEmailAddr: { Address: 'pay@example.com' } });
    const inv = await createInvoice(h, c.Id, ['10']);
    const sent = await h.qbo('POST', `/invoice/${inv.Id}/send`, undefined, { headers: { 'content-type': 'application/octet-stream' } });
    expect(sent.status).toBe(200);
    expect(sent.json.Invoice.EmailStatus).toBe('EmailSent');
    expect(sent.json.Invoice.DeliveryInfo.DeliveryType).toBe('Email');
    const pdf = await fetch(`${h.baseUrl}/v3/company/${h.realmId}/invoice/${inv.Id}/pdf`, { headers: { authorization: `Bearer ${h.token}`, accept: 'application/pdf' } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('nests sub-customers (FullyQualifiedName "Parent:Child") and lowers the balance by an invoice deposit', async () => {
    const parent = await createCustomer(h, 'Freeman Sporting Goods');
    const child = await h.qbo('POST', '/customer', { DisplayName: '0969 Ocean View Road', ParentRef: { value: parent.Id } });
    expect(child.json.Customer).toMatchObject({ FullyQualifiedName: 'Freeman Sporting Goods:0969 Ocean View Road', Job: true, Level: 1, ParentRef: { value: parent.Id, name: 'Freeman Sporting Goods' } });
    const inv = await createInvoice(h, child.json.Customer.Id, ['100'], { Deposit: '25.50' });
    expect(inv.Balance).toBe(74.5);
    expect(inv.TotalAmt).toBe(100);
    const report = await h.qbo('GET', `/reports/AgedReceivables?customer=${child.json.Customer.Id}`);
    expect(report.json.Rows.Row[0].ColData[0]).toEqual({ value: 'Freeman Sporting Goods:0969 Ocean View Road', id: child.json.Customer.Id });
    expect(report.json.Rows.Row[0].ColData[6].value).toBe('74.50');
  });

  it('accepts minorversion and format parameters and any minorversion value', async () => {
    const res = await h.qbo('GET', `/companyinfo/${h.realmId}?minorversion=4&format=json`);
    expect(res.status).toBe(200);
  });
});

import { AnyJson, Harness, createCustomer, createInvoice, salesLine, startSandbox } from './sandbox-harness';

describe('uniqueness, close date, references and fault shapes (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());

  const expectFault = (res: { status: number; json: AnyJson }, code: string, status = 400) => {
    expect(res.status).toBe(status);
    expect(res.json.Fault.type).toBe('ValidationFault');
    expect(res.json.Fault.Error).toHaveLength(1);
    expect(res.json.Fault.Error[0]).toEqual({ Message: expect.any(String), Detail: expect.any(String), code, element: expect.any(String) });
    expect(typeof res.json.time).toBe('string');
  };

  it('duplicate customer display name → 6240, case-insensitively, also against inactive customers', async () => {
    const c = await createCustomer(h, 'Acme Rockets');
    expectFault(await h.qbo('POST', '/customer', { DisplayName: 'Acme Rockets' }), '6240');
    const dup = await h.qbo('POST', '/customer', { DisplayName: '  acme ROCKETS ' });
    expectFault(dup, '6240');
    expect(dup.json.Fault.Error[0].Detail).toBe(
      'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
    );
    await h.qbo('POST', '/customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Active: false });
    expectFault(await h.qbo('POST', '/customer', { DisplayName: 'Acme Rockets' }), '6240');
    // renaming onto an existing name clashes too
    const other = await createCustomer(h, 'Other Rockets');
    expectFault(await h.qbo('POST', '/customer', { Id: other.Id, SyncToken: other.SyncToken, sparse: true, DisplayName: 'ACME Rockets' }), '6240');
  });

  it('duplicate item name → 6240', async () => {
    expectFault(await h.qbo('POST', '/item', { Name: 'services', Type: 'Service', IncomeAccountRef: { value: '2' } }), '6240');
  });

  it('customer rules: no name → 6080, bad e-mail → 2210, too long → 2050, derived DisplayName', async () => {
    expectFault(await h.qbo('POST', '/customer', { CompanyName: 'Only Company' }), '6080');
    expectFault(await h.qbo('POST', '/customer', { DisplayName: 'Bad Mail', PrimaryEmailAddr: { Address: 'not-an-email' } }), '2210');
    expectFault(await h.qbo('POST', '/customer', { DisplayName: 'x'.repeat(501) }), '2050');
    const derived = await h.qbo('POST', '/customer', { GivenName: 'Jane', FamilyName: 'Litigious' });
    expect(derived.json.Customer.DisplayName).toBe('Jane Litigious');
  });

  it('duplicate invoice DocNumber → 6140 while custom transaction numbers are on; allowed with include=allowduplicatedocnum or the preference off', async () => {
    const c = await createCustomer(h, 'Doc Number Customer');
    const first = await createInvoice(h, c.Id, ['1'], { DocNumber: 'INV-77' });
    const dup = await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, DocNumber: 'INV-77', Line: [salesLine(2)] });
    expectFault(dup, '6140');
    expect(dup.json.Fault.Error[0].Detail).toContain(`DocNumber=INV-77 is assigned to TxnType=Invoice with TxnId=${first.Id}`);
    const allowed = await h.qbo('POST', '/invoice?include=allowduplicatedocnum', { CustomerRef: { value: c.Id }, DocNumber: 'INV-77', Line: [salesLine(2)] });
    expect(allowed.status).toBe(200);
    // a credit memo has its own number space
    const cm = await h.qbo('POST', '/creditmemo', { CustomerRef: { value: c.Id }, DocNumber: 'INV-77', Line: [salesLine(1)] });
    expect(cm.status).toBe(200);
    // too long
    expectFault(await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, DocNumber: 'X'.repeat(22), Line: [salesLine(2)] }), '2050');

    const { realmId, token } = await h.newRealm();
    await h.control('PATCH', `/realms/${realmId}/preferences`, { SalesFormsPrefs: { CustomTxnNumbers: false } });
    const c2 = await createCustomer(h, 'Pref Off', {}, { realmId, token });
    await createInvoice(h, c2.Id, ['1'], { DocNumber: 'SAME' }, { realmId, token });
    const second = await h.qbo('POST', '/invoice', { CustomerRef: { value: c2.Id }, DocNumber: 'SAME', Line: [salesLine(1)] }, { realmId, token });
    expect(second.status).toBe(200);
  });

  it('book close date: writes dated on or before it → 6210 (create, update, void, delete, payment)', async () => {
    const { realmId, token } = await h.newRealm();
    const realm = { realmId, token };
    const c = await createCustomer(h, 'Closed Books', {}, realm);
    const before = await createInvoice(h, c.Id, ['10'], { TxnDate: '2026-01-15' }, realm);
    const after = await createInvoice(h, c.Id, ['10'], { TxnDate: '2026-02-15' }, realm);
    const set = await h.control('PUT', `/realms/${realmId}/book-close-date`, { date: '2026-01-31' });
    expect(set.json.bookCloseDate).toBe('2026-01-31');
    expect((await h.qbo('GET', '/preferences', undefined, realm)).json.Preferences.AccountingInfoPrefs.BookCloseDate).toBe('2026-01-31');

    const closed = await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, TxnDate: '2026-01-31', Line: [salesLine(1)] }, realm);
    expectFault(closed, '6210');
    expect(closed.json.Fault.Error[0].Message).toBe('Account Period Closed');
    expectFault(await h.qbo('POST', '/invoice', { Id: before.Id, SyncToken: before.SyncToken, sparse: true, PrivateNote: 'x' }, realm), '6210');
    expectFault(await h.qbo('POST', '/invoice?operation=void', { Id: before.Id, SyncToken: before.SyncToken }, realm), '6210');
    expectFault(await h.qbo('POST', '/invoice?operation=delete', { Id: before.Id, SyncToken: before.SyncToken }, realm), '6210');
    // moving an open-period invoice into the closed period is refused too
    expectFault(await h.qbo('POST', '/invoice', { Id: after.Id, SyncToken: after.SyncToken, sparse: true, TxnDate: '2026-01-01' }, realm), '6210');
    expectFault(await h.qbo('POST', '/payment', { CustomerRef: { value: c.Id }, TotalAmt: 1, TxnDate: '2026-01-20' }, realm), '6210');
    // after the close date all is fine, including paying an invoice from the closed period
    expect((await h.qbo('POST', '/invoice', { Id: after.Id, SyncToken: after.SyncToken, sparse: true, PrivateNote: 'ok' }, realm)).status).toBe(200);
    const payOld = await h.qbo('POST', '/payment', { CustomerRef: { value: c.Id }, TotalAmt: 10, TxnDate: '2026-02-20', Line: [{ Amount: 10, LinkedTxn: [{ TxnId: before.Id, TxnType: 'Invoice' }] }] }, realm);
    expect(payOld.status).toBe(200);
    // the API cannot move the close date
    const prefs = (await h.qbo('GET', '/preferences', undefined, realm)).json.Preferences;
    await h.qbo('POST', '/preferences', { Id: '1', SyncToken: prefs.SyncToken, sparse: true, AccountingInfoPrefs: { BookCloseDate: '2020-01-01' } }, realm);
    expect((await h.qbo('GET', '/preferences', undefined, realm)).json.Preferences.AccountingInfoPrefs.BookCloseDate).toBe('2026-01-31');
    await h.control('PUT', `/realms/${realmId}/book-close-date`, { date: null });
    expect((await h.qbo('GET', '/preferences', undefined, realm)).json.Preferences.AccountingInfoPrefs.BookCloseDate).toBeUndefined();
  });

  it('references: unknown Id → 2500, inactive object → 610, missing required ref → 2020', async () => {
    const c = await createCustomer(h, 'Reference Customer');
    const unknownCustomer = await h.qbo('POST', '/invoice', { CustomerRef: { value: '424242' }, Line: [salesLine(1)] });
    expectFault(unknownCustomer, '2500');
    expect(unknownCustomer.json.Fault.Error[0].Message).toBe('Invalid Reference Id');
    expectFault(await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [salesLine(1, '999')] }), '2500');

    const item = await h.qbo('POST', '/item', { Name: 'Retired Item', Type: 'Service', IncomeAccountRef: { value: '2' } });
    await h.qbo('POST', '/item', { Id: item.json.Item.Id, SyncToken: '0', sparse: true, Active: false });
    const inactiveItem = await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [salesLine(1, item.json.Item.Id)] });
    expectFault(inactiveItem, '610');
    expect(inactiveItem.json.Fault.Error[0].Detail).toContain('made inactive');

    const gone = await createCustomer(h, 'Gone Customer');
    await h.qbo('POST', '/customer', { Id: gone.Id, SyncToken: gone.SyncToken, sparse: true, Active: false });
    expectFault(await h.qbo('POST', '/invoice', { CustomerRef: { value: gone.Id }, Line: [salesLine(1)] }), '610');
    expectFault(await h.qbo('POST', '/invoice', { Line: [salesLine(1)] }), '2020');
    expectFault(await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [] }), '2020');
    expectFault(await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [{ DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }] }), '2020');
    expectFault(await h.qbo('POST', '/invoice', { CustomerRef: { value: c.Id }, Line: [{ DetailType: 'Bogus', Amount: 1 }] }), '2170');
  });

  it('unknown realm or a token for another realm → 403 with code 3100; unknown path → fault', async () => {
    const other = await h.qbo('GET', '/companyinfo/1', undefined, { realmId: '1111' });
    expect(other.status).toBe(403);
    expect(other.json.Fault.Error[0].code).toBe('3100');
    const unknown = await h.qbo('GET', '/bogusentity/1');
    expect(unknown.status).toBe(400);
    expect(unknown.json.Fault.Error[0].code).toBe('500');
  });
});

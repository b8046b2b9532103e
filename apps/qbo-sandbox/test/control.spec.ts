import { AnyJson, Harness, createCustomer, createInvoice, startSandbox } from './sandbox-harness';

describe('control surface /__sandbox (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());

  const invoicesOf = async (realm: { realmId: string; token: string }) =>
    (await h.qbo('GET', `/query?query=${encodeURIComponent('select * from Invoice maxresults 1000')}`, undefined, realm)).json.QueryResponse.Invoice as AnyJson[];

  it('seeds a company deterministically from a seed', async () => {
    const spec = { seed: 7, customers: 6, items: 3, invoices: 25, payments: 10, asOf: '2026-06-30' };
    const a = await h.newRealm(spec);
    const b = await h.newRealm(spec);
    const strip = (list: AnyJson[]) => list.map((i) => ({ Id: i.Id, DocNumber: i.DocNumber, TxnDate: i.TxnDate, DueDate: i.DueDate, TotalAmt: i.TotalAmt, Balance: i.Balance, Customer: i.CustomerRef.name }));
    const ia = await invoicesOf(a);
    expect(ia).toHaveLength(25);
    expect(strip(ia)).toEqual(strip(await invoicesOf(b)));
    expect(ia.some((i) => i.Balance < i.TotalAmt)).toBe(true); // some were paid
    const c = await h.newRealm({ ...spec, seed: 8 });
    expect(strip(await invoicesOf(c))).not.toEqual(strip(ia));
    const summary = await h.control('GET', `/realms/${a.realmId}`);
    expect(summary.json.counts).toMatchObject({ Customer: 6, Invoice: 25 });
  });

  it('acts as a QuickBooks user: receive a payment, edit an amount, void, clash a customer name', async () => {
    const realm = await h.newRealm();
    const c = await createCustomer(h, 'Drift Customer', {}, realm);
    const inv = await createInvoice(h, c.Id, ['100.00'], {}, realm);
    const base = `/realms/${realm.realmId}/user`;

    const paid = await h.control('POST', `${base}/payments`, { applications: [{ invoiceId: inv.Id, amount: '30.00' }], txnDate: '2026-02-01' });
    expect(paid.status).toBe(200);
    expect(paid.json.Payment).toMatchObject({ TotalAmt: 30, TxnDate: '2026-02-01', CustomerRef: { value: c.Id } });
    expect((await h.qbo('GET', `/invoice/${inv.Id}`, undefined, realm)).json.Invoice.Balance).toBe(70);

    const edited = await h.control('POST', `${base}/invoices/${inv.Id}/edit`, { amount: '150.00' });
    expect(edited.json.Invoice).toMatchObject({ TotalAmt: 150, Balance: 120 });
    const tooLow = await h.control('POST', `${base}/invoices/${inv.Id}/edit`, { amount: '10.00' });
    expect(tooLow.status).toBe(400);
    expect(tooLow.json.Fault.Error[0].code).toBe('6000');

    const voidedPayment = await h.control('POST', `${base}/payments/${paid.json.Payment.Id}/void`);
    expect(voidedPayment.json.Payment.TotalAmt).toBe(0);
    expect((await h.qbo('GET', `/invoice/${inv.Id}`, undefined, realm)).json.Invoice.Balance).toBe(150);

    const voidedInvoice = await h.control('POST', `${base}/invoices/${inv.Id}/void`);
    expect(voidedInvoice.json.Invoice.TotalAmt).toBe(0);

    const clash = await h.control('POST', `${base}/customers`, { displayName: 'Platform Customer' });
    expect(clash.status).toBe(200);
    const api = await h.qbo('POST', '/customer', { DisplayName: 'Platform Customer' }, realm);
    expect(api.json.Fault.Error[0].code).toBe('6240');

    const created = await h.control('POST', `${base}/invoices`, { customerId: c.Id, amount: '42.00', txnDate: '2026-03-01', docNumber: 'QB-ONLY-1' });
    expect(created.json.Invoice).toMatchObject({ TotalAmt: 42, DocNumber: 'QB-ONLY-1' });
    const credit = await h.control('POST', `${base}/credit-memos`, { customerId: c.Id, amount: '12.00', applyTo: [{ invoiceId: created.json.Invoice.Id, amount: '12.00' }] });
    expect(credit.json.CreditMemo.RemainingCredit).toBe(0); // fully used by the application
    expect(credit.json.Payment).toMatchObject({ TotalAmt: 0, UnappliedAmt: 0 });
    expect((await h.qbo('GET', `/creditmemo/${credit.json.CreditMemo.Id}`, undefined, realm)).json.CreditMemo.RemainingCredit).toBe(0);
    expect((await h.qbo('GET', `/invoice/${created.json.Invoice.Id}`, undefined, realm)).json.Invoice.Balance).toBe(30);
  });

  it('user actions obey the same rules, except the close date', async () => {
    const realm = await h.newRealm();
    const c = await createCustomer(h, 'Closed Period User', {}, realm);
    const inv = await createInvoice(h, c.Id, ['10'], { TxnDate: '2026-01-10' }, realm);
    await h.control('PUT', `/realms/${realm.realmId}/book-close-date`, { date: '2026-01-31' });
    expect((await h.control('POST', `/realms/${realm.realmId}/user/invoices/${inv.Id}/void`)).status).toBe(200);
    const bad = await h.control('POST', `/realms/${realm.realmId}/user/payments`, { customerId: c.Id, applications: [{ invoiceId: '999' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.Fault.Error[0].code).toBe('610');
  });

  it('inspects every object of a type, including voided and deleted ones, and counts writes', async () => {
    const realm = await h.newRealm();
    const c = await createCustomer(h, 'Inspect Customer', {}, realm);
    const keep = await createInvoice(h, c.Id, ['1'], {}, realm);
    const voided = await createInvoice(h, c.Id, ['2'], {}, realm);
    const deleted = await createInvoice(h, c.Id, ['3'], {}, realm);
    await h.qbo('POST', '/invoice?operation=void', { Id: voided.Id, SyncToken: voided.SyncToken }, realm);
    await h.qbo('POST', '/invoice?operation=delete', { Id: deleted.Id, SyncToken: deleted.SyncToken }, realm);
    const all = await h.control('GET', `/realms/${realm.realmId}/entities/invoice`);
    expect(all.json.count).toBe(3);
    expect(all.json.items.map((i: { state: string }) => i.state)).toEqual(['active', 'voided', 'deleted']);
    expect(all.json.items[2].object).toMatchObject({ status: 'Deleted', Id: deleted.Id });
    const onlyDeleted = await h.control('GET', `/realms/${realm.realmId}/entities/Invoice?state=deleted`);
    expect(onlyDeleted.json.items).toHaveLength(1);
    const one = await h.control('GET', `/realms/${realm.realmId}/entities/invoice/${keep.Id}`);
    expect(one.json.object.Id).toBe(keep.Id);
    const stats = await h.control('GET', `/realms/${realm.realmId}/stats`);
    expect(stats.json.writes).toMatchObject({ 'Customer.Create': 1, 'Invoice.Create': 3, 'Invoice.Void': 1, 'Invoice.Delete': 1 });
    expect(stats.json.totalWrites).toBe(6);
    expect(stats.json.requests).toBeGreaterThanOrEqual(6);
  });

  it('resets one realm or everything, and deletes realms', async () => {
    const realm = await h.newRealm({ seed: 1, customers: 2, invoices: 3 });
    const reset = await h.control('POST', `/realms/${realm.realmId}/reset`);
    expect(reset.json.counts).toMatchObject({ Customer: 0, Invoice: 0, Account: 8, Term: 4, Item: 1 });
    expect((await h.control('GET', '/realms')).json.realms.length).toBeGreaterThan(1);
    const dup = await h.control('POST', '/realms', { realmId: realm.realmId });
    expect(dup.status).toBe(409);
    expect((await h.control('DELETE', `/realms/${realm.realmId}`)).status).toBe(200);
    expect((await h.control('GET', `/realms/${realm.realmId}`)).status).toBe(404);
    expect((await h.control('GET', '/nope')).status).toBe(404);
    const state = await h.control('POST', '/reset');
    expect(state.json.realms).toEqual([h.realmId]);
    // tokens are gone with the reset
    expect((await h.qbo('GET', '/preferences')).status).toBe(401);
    h.token = (await h.control('POST', `/realms/${h.realmId}/tokens`, {})).json.access_token;
    expect((await h.qbo('GET', '/preferences')).status).toBe(200);
  });
});

import { Harness, createCustomer, createInvoice, numberTextOf, startSandbox } from './sandbox-harness';

describe('payments, credit memos and balances (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());

  const pay = (customerId: string, total: string | number, lines: [string, string | number, string?][] = [], extra: Record<string, unknown> = {}) =>
    h.qbo('POST', '/payment', {
      CustomerRef: { value: customerId },
      TotalAmt: total,
      Line: lines.map(([id, amount, type]) => ({ Amount: amount, LinkedTxn: [{ TxnId: id, TxnType: type ?? 'Invoice' }] })),
      ...extra,
    });
  const invoice = async (id: string) => (await h.qbo('GET', `/invoice/${id}`)).json.Invoice;
  const payment = async (id: string) => (await h.qbo('GET', `/payment/${id}`)).json.Payment;
  const customer = async (id: string) => (await h.qbo('GET', `/customer/${id}`)).json.Customer;

  it('a partial payment leaves the invoice partly open and links both ways', async () => {
    const c = await createCustomer(h, 'Partial Payer');
    const inv = await createInvoice(h, c.Id, ['100.00', '50.25']);
    const res = await pay(c.Id, '40.10', [[inv.Id, '40.10']]);
    expect(res.status).toBe(200);
    expect(res.json.Payment.UnappliedAmt).toBe(0);
    const after = await invoice(inv.Id);
    expect(numberTextOf(JSON.stringify(after), 'Balance')).toEqual(['110.15']);
    expect(after.LinkedTxn).toEqual([{ TxnId: res.json.Payment.Id, TxnType: 'Payment' }]);
    expect(after.SyncToken).toBe('1'); // the payment modified the invoice
    expect((await customer(c.Id)).Balance).toBe(110.15);
  });

  it('a full payment closes the invoice (Balance 0)', async () => {
    const c = await createCustomer(h, 'Full Payer');
    const inv = await createInvoice(h, c.Id, ['0.10', '0.20']);
    const res = await pay(c.Id, '0.30', [[inv.Id, '0.30']]);
    expect(res.status).toBe(200);
    const raw = (await h.qbo('GET', `/invoice/${inv.Id}`)).text;
    expect(numberTextOf(raw, 'Balance')).toEqual(['0']);
    expect(numberTextOf(raw, 'TotalAmt')).toEqual(['0.3']);
  });

  it('an amount above the lines is kept as UnappliedAmt; a payment without lines is fully unapplied', async () => {
    const c = await createCustomer(h, 'Overpayer');
    const inv = await createInvoice(h, c.Id, ['55']);
    const res = await pay(c.Id, 65, [[inv.Id, 55]]);
    expect(res.status).toBe(200);
    expect(res.json.Payment.UnappliedAmt).toBe(10);
    const unlinked = await pay(c.Id, '20.00');
    expect(unlinked.json.Payment.UnappliedAmt).toBe(20);
    expect(unlinked.json.Payment.Line).toEqual([]);
    // customer balance = open invoices − unapplied credit
    expect((await customer(c.Id)).Balance).toBe(-30);
  });

  it('refuses to apply more than an invoice is open for (6000) and more than the payment total', async () => {
    const c = await createCustomer(h, 'Over Applier');
    const inv = await createInvoice(h, c.Id, ['30']);
    const over = await pay(c.Id, 31, [[inv.Id, 31]]);
    expect(over.status).toBe(400);
    expect(over.json.Fault.type).toBe('ValidationFault');
    expect(over.json.Fault.Error[0].code).toBe('6000');
    const beyondTotal = await pay(c.Id, 10, [[inv.Id, 20]]);
    expect(beyondTotal.status).toBe(400);
    expect(beyondTotal.json.Fault.Error[0].code).toBe('6000');
    expect((await invoice(inv.Id)).Balance).toBe(30);
  });

  it('links across customers are refused with 620', async () => {
    const a = await createCustomer(h, 'Owner A');
    const b = await createCustomer(h, 'Payer B');
    const inv = await createInvoice(h, a.Id, ['10']);
    const res = await pay(b.Id, 10, [[inv.Id, 10]]);
    expect(res.status).toBe(400);
    expect(res.json.Fault.Error[0].code).toBe('620');
  });

  it('one payment may settle several invoices; updating its lines moves the applications', async () => {
    const c = await createCustomer(h, 'Multi Payer');
    const i1 = await createInvoice(h, c.Id, ['10']);
    const i2 = await createInvoice(h, c.Id, ['20']);
    const p = (await pay(c.Id, 30, [[i1.Id, 10], [i2.Id, 20]])).json.Payment;
    expect((await invoice(i1.Id)).Balance).toBe(0);
    expect((await invoice(i2.Id)).Balance).toBe(0);
    const upd = await h.qbo('POST', '/payment', {
      Id: p.Id,
      SyncToken: p.SyncToken,
      sparse: true,
      Line: [{ Amount: 5, LinkedTxn: [{ TxnId: i2.Id, TxnType: 'Invoice' }] }],
    });
    expect(upd.status).toBe(200);
    expect(upd.json.Payment.UnappliedAmt).toBe(25);
    expect((await invoice(i1.Id)).Balance).toBe(10);
    expect((await invoice(i1.Id)).LinkedTxn).toEqual([]);
    expect((await invoice(i2.Id)).Balance).toBe(15);
  });

  it('voiding a payment (update + include=void) zeroes it and reopens the invoice', async () => {
    const c = await createCustomer(h, 'Void Payer');
    const inv = await createInvoice(h, c.Id, ['80']);
    const p = (await pay(c.Id, 80, [[inv.Id, 80]])).json.Payment;
    const res = await h.qbo('POST', '/payment?operation=update&include=void', { Id: p.Id, SyncToken: p.SyncToken, sparse: true });
    expect(res.status).toBe(200);
    expect(res.json.Payment.TotalAmt).toBe(0);
    expect(res.json.Payment.PrivateNote).toMatch(/^Voided/);
    expect(res.json.Payment.SyncToken).toBe('1');
    const after = await invoice(inv.Id);
    expect(after.Balance).toBe(80);
    expect(after.LinkedTxn).toEqual([]);
  });

  it('deleting a payment restores the balances and leaves a tombstone', async () => {
    const c = await createCustomer(h, 'Delete Payer');
    const inv = await createInvoice(h, c.Id, ['45.5']);
    const p = (await pay(c.Id, '45.5', [[inv.Id, '45.5']])).json.Payment;
    const res = await h.qbo('POST', '/payment?operation=delete', { Id: p.Id, SyncToken: p.SyncToken });
    expect(res.status).toBe(200);
    expect(res.json.Payment).toEqual({ domain: 'QBO', status: 'Deleted', Id: p.Id });
    expect((await invoice(inv.Id)).Balance).toBe(45.5);
    const read = await h.qbo('GET', `/payment/${p.Id}`);
    expect(read.status).toBe(400);
    expect(read.json.Fault.Error[0].code).toBe('610');
  });

  it('voiding an invoice returns its payments to unapplied and zeroes it', async () => {
    const c = await createCustomer(h, 'Void Invoice Customer');
    const inv = await createInvoice(h, c.Id, ['100'], { PrivateNote: 'orig' });
    const p = (await pay(c.Id, 60, [[inv.Id, 60]])).json.Payment;
    const current = await invoice(inv.Id);
    const res = await h.qbo('POST', '/invoice?operation=void', { Id: inv.Id, SyncToken: current.SyncToken });
    expect(res.status).toBe(200);
    const voided = res.json.Invoice;
    expect(voided.TotalAmt).toBe(0);
    expect(voided.Balance).toBe(0);
    expect(voided.LinkedTxn).toEqual([]);
    expect(voided.PrivateNote).toBe('Voided - orig');
    expect(voided.Line[0].Amount).toBe(0);
    const after = await payment(p.Id);
    expect(after.UnappliedAmt).toBe(60);
    expect(after.Line).toEqual([]);
    expect((await customer(c.Id)).Balance).toBe(-60);
    // still returned by query, with zero amounts
    const q = await h.qbo('GET', `/query?query=${encodeURIComponent(`select * from Invoice where Id = '${inv.Id}'`)}`);
    expect(q.json.QueryResponse.Invoice[0].TotalAmt).toBe(0);
  });

  it('an invoice with linked payments cannot be deleted until they are unlinked', async () => {
    const c = await createCustomer(h, 'Linked Delete');
    const inv = await createInvoice(h, c.Id, ['10']);
    await pay(c.Id, 10, [[inv.Id, 10]]);
    const current = await invoice(inv.Id);
    const res = await h.qbo('POST', '/invoice?operation=delete', { Id: inv.Id, SyncToken: current.SyncToken });
    expect(res.status).toBe(400);
    expect(res.json.Fault.Error[0].code).toBe('6000');
    expect(res.json.Fault.Error[0].Detail).toMatch(/unlink/);
  });

  it('a credit memo applies to an invoice through a zero-total payment; its remaining credit drops', async () => {
    const c = await createCustomer(h, 'Credit Customer');
    const inv = await createInvoice(h, c.Id, ['100']);
    const cmRes = await h.qbo('POST', '/creditmemo', {
      CustomerRef: { value: c.Id },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: '30.00', SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    expect(cmRes.status).toBe(200);
    const cm = cmRes.json.CreditMemo;
    expect(cm.RemainingCredit).toBe(30);
    expect((await customer(c.Id)).Balance).toBe(70);

    const res = await pay(c.Id, 0, [[inv.Id, 25], [cm.Id, 25, 'CreditMemo']]);
    expect(res.status).toBe(200);
    expect(res.json.Payment.UnappliedAmt).toBe(0);
    expect((await invoice(inv.Id)).Balance).toBe(75);
    const cmAfter = (await h.qbo('GET', `/creditmemo/${cm.Id}`)).json.CreditMemo;
    expect(cmAfter.RemainingCredit).toBe(5);
    expect(cmAfter.Balance).toBe(5);
    expect((await customer(c.Id)).Balance).toBe(70);

    const tooMuchCredit = await pay(c.Id, 0, [[inv.Id, 10], [cm.Id, 10, 'CreditMemo']]);
    expect(tooMuchCredit.status).toBe(400);
    expect(tooMuchCredit.json.Fault.Error[0].code).toBe('6000');
    const creditOnly = await pay(c.Id, 0, [[cm.Id, 5, 'CreditMemo']]);
    expect(creditOnly.status).toBe(400);
  });

  it('voiding a credit memo releases the credit and trims the invoice application it funded', async () => {
    const c = await createCustomer(h, 'Credit Void Customer');
    const inv = await createInvoice(h, c.Id, ['50']);
    const cm = (
      await h.qbo('POST', '/creditmemo', {
        CustomerRef: { value: c.Id },
        Line: [{ DetailType: 'SalesItemLineDetail', Amount: 20, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
      })
    ).json.CreditMemo;
    const p = (await pay(c.Id, 0, [[inv.Id, 20], [cm.Id, 20, 'CreditMemo']])).json.Payment;
    expect((await invoice(inv.Id)).Balance).toBe(30);
    const cmNow = (await h.qbo('GET', `/creditmemo/${cm.Id}`)).json.CreditMemo;
    const res = await h.qbo('POST', '/creditmemo?operation=void', { Id: cm.Id, SyncToken: cmNow.SyncToken });
    expect(res.status).toBe(200);
    expect(res.json.CreditMemo.RemainingCredit).toBe(0);
    expect((await invoice(inv.Id)).Balance).toBe(50);
    const pAfter = await payment(p.Id);
    expect(pAfter.Line).toEqual([]);
    expect(pAfter.UnappliedAmt).toBe(0);
  });

  it('editing an invoice below what is already paid is refused; above it keeps the payment', async () => {
    const c = await createCustomer(h, 'Edit Paid');
    const inv = await createInvoice(h, c.Id, ['100']);
    await pay(c.Id, 60, [[inv.Id, 60]]);
    const current = await invoice(inv.Id);
    const lower = await h.qbo('POST', '/invoice', {
      Id: inv.Id,
      SyncToken: current.SyncToken,
      sparse: true,
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 50, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    expect(lower.status).toBe(400);
    expect(lower.json.Fault.Error[0].code).toBe('6000');
    const higher = await h.qbo('POST', '/invoice', {
      Id: inv.Id,
      SyncToken: current.SyncToken,
      sparse: true,
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 120, SalesItemLineDetail: { ItemRef: { value: '1' } } }],
    });
    expect(higher.status).toBe(200);
    expect(higher.json.Invoice.Balance).toBe(60);
    expect(higher.json.Invoice.LinkedTxn).toHaveLength(1);
  });

  it('payments to deleted or unknown invoices are refused with 610', async () => {
    const c = await createCustomer(h, 'Ghost Payer');
    const res = await pay(c.Id, 5, [['99999', 5]]);
    expect(res.status).toBe(400);
    expect(res.json.Fault.Error[0].code).toBe('610');
  });
});

import { Harness, createCustomer, createInvoice, salesLine, startSandbox } from './sandbox-harness';

describe('change data capture, batch and requestid (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());

  describe('/cdc', () => {
    it('returns changed objects grouped by entity, deleted ones as status:"Deleted" stubs after the live ones', async () => {
      const realm = await h.newRealm();
      const since = new Date(Date.now() - 1000).toISOString();
      const c = await createCustomer(h, 'CDC Customer', {}, realm);
      const keep = await createInvoice(h, c.Id, ['10'], {}, realm);
      const gone = await createInvoice(h, c.Id, ['20'], {}, realm);
      const voided = await createInvoice(h, c.Id, ['30'], {}, realm);
      await h.qbo('POST', '/invoice?operation=delete', { Id: gone.Id, SyncToken: gone.SyncToken }, realm);
      await h.qbo('POST', '/invoice?operation=void', { Id: voided.Id, SyncToken: voided.SyncToken }, realm);

      const res = await h.qbo('GET', `/cdc?entities=Invoice,Customer,Payment&changedSince=${encodeURIComponent(since)}`, undefined, realm);
      expect(res.status).toBe(200);
      const groups = res.json.CDCResponse[0].QueryResponse;
      expect(groups).toHaveLength(2);
      const invoices = groups[0].Invoice;
      expect(groups[0]).toMatchObject({ startPosition: 1, maxResults: 3 });
      expect(invoices.map((i: { Id: string }) => i.Id)).toEqual([keep.Id, voided.Id, gone.Id]);
      expect(invoices[1].TotalAmt).toBe(0); // voided: a change, not a delete
      expect(invoices[2]).toEqual({ domain: 'QBO', status: 'Deleted', Id: gone.Id, MetaData: { LastUpdatedTime: expect.any(String) } });
      expect(groups[1].Customer[0].Id).toBe(c.Id);
    });

    it('answers [{}] when nothing changed, and accepts a date-only changedSince', async () => {
      const realm = await h.newRealm();
      const res = await h.qbo('GET', '/cdc?entities=Invoice&changedSince=2999-01-01', undefined, realm);
      expect(res.json.CDCResponse).toEqual([{ QueryResponse: [{}] }]);
    });

    it('refuses a changedSince older than 30 days and missing parameters', async () => {
      const old = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString();
      const res = await h.qbo('GET', `/cdc?entities=Invoice&changedSince=${encodeURIComponent(old)}`);
      expect(res.status).toBe(400);
      expect(res.json.Fault.type).toBe('ValidationFault');
      const ok = await h.qbo('GET', `/cdc?entities=Invoice&changedSince=${encodeURIComponent(new Date(Date.now() - 29 * 24 * 3600 * 1000).toISOString())}`);
      expect(ok.status).toBe(200);
      expect((await h.qbo('GET', '/cdc?changedSince=2026-01-01')).json.Fault.Error[0].code).toBe('2020');
      expect((await h.qbo('GET', '/cdc?entities=Nope&changedSince=2999-01-01')).status).toBe(400);
    });

    it('caps a response at 1000 objects (the oldest changes first)', async () => {
      const realm = await h.newRealm({ seed: 5, customers: 1005 });
      const since = new Date(Date.now() - 3600_000).toISOString();
      const res = await h.qbo('GET', `/cdc?entities=Customer&changedSince=${encodeURIComponent(since)}`, undefined, realm);
      const customers = res.json.CDCResponse[0].QueryResponse[0].Customer;
      expect(customers).toHaveLength(1000);
      expect(customers[0].Id).toBe('1');
    });
  });

  describe('/batch', () => {
    it('runs independent items, answers each with its bId and a per-item Fault, with HTTP 200', async () => {
      const realm = await h.newRealm();
      const c = await createCustomer(h, 'Batch Customer', {}, realm);
      const inv = await createInvoice(h, c.Id, ['10'], {}, realm);
      const res = await h.qbo(
        'POST',
        '/batch',
        {
          BatchItemRequest: [
            { bId: 'bid1', operation: 'create', Customer: { DisplayName: 'Batch Customer' } },
            { bId: 'bid2', operation: 'create', Invoice: { CustomerRef: { value: c.Id }, Line: [salesLine('5.5')] } },
            { bId: 'bid3', operation: 'update', Invoice: { Id: inv.Id, SyncToken: '7', sparse: true, PrivateNote: 'x' } },
            { bId: 'bid4', Query: "select * from Invoice where TotalAmt > '1'" },
            { bId: 'bid5', operation: 'delete', Invoice: { Id: inv.Id, SyncToken: inv.SyncToken } },
            { bId: 'bid6', operation: 'create', Invoice: { CustomerRef: { value: '999' }, Line: [salesLine(1)] } },
          ],
        },
        realm,
      );
      expect(res.status).toBe(200);
      const items = res.json.BatchItemResponse;
      expect(items.map((i: { bId: string }) => i.bId)).toEqual(['bid1', 'bid2', 'bid3', 'bid4', 'bid5', 'bid6']);
      expect(items[0].Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '6240', Message: 'Duplicate Name Exists Error' }] });
      expect(items[1].Invoice.TotalAmt).toBe(5.5);
      expect(items[2].Fault.Error[0].code).toBe('5010');
      expect(items[3].QueryResponse.Invoice.length).toBe(2);
      expect(items[4].Invoice).toEqual({ domain: 'QBO', status: 'Deleted', Id: inv.Id });
      expect(items[5].Fault.Error[0].code).toBe('2500');
    });

    it('does not let a later item use an object created earlier in the same batch', async () => {
      const realm = await h.newRealm();
      const res = await h.qbo(
        'POST',
        '/batch',
        {
          BatchItemRequest: [
            { bId: 'c', operation: 'create', Customer: { DisplayName: 'Fresh In Batch' } },
            { bId: 'i', operation: 'create', Invoice: { CustomerRef: { value: '1' }, Line: [salesLine(1)] } },
          ],
        },
        realm,
      );
      expect(res.json.BatchItemResponse[0].Customer.Id).toBe('1');
      expect(res.json.BatchItemResponse[1].Fault.Error[0].code).toBe('2500');
    });

    it('refuses more than 30 items (1040) and duplicate bIds as a whole', async () => {
      const items = Array.from({ length: 31 }, (_, i) => ({ bId: `b${i}`, Query: 'select * from Term' }));
      const tooMany = await h.qbo('POST', '/batch', { BatchItemRequest: items });
      expect(tooMany.status).toBe(400);
      expect(tooMany.json.Fault.Error[0].code).toBe('1040');
      const thirty = await h.qbo('POST', '/batch', { BatchItemRequest: items.slice(0, 30) });
      expect(thirty.status).toBe(200);
      expect(thirty.json.BatchItemResponse).toHaveLength(30);
      const dup = await h.qbo('POST', '/batch', { BatchItemRequest: [{ bId: 'x', Query: 'select * from Term' }, { bId: 'x', Query: 'select * from Term' }] });
      expect(dup.status).toBe(400);
    });

    it('voids a payment inside a batch and accepts operation "void" for invoices', async () => {
      const realm = await h.newRealm();
      const c = await createCustomer(h, 'Batch Void', {}, realm);
      const inv = await createInvoice(h, c.Id, ['12'], {}, realm);
      const pay = (await h.qbo('POST', '/payment', { CustomerRef: { value: c.Id }, TotalAmt: 12, Line: [{ Amount: 12, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }] }, realm)).json.Payment;
      const res = await h.qbo(
        'POST',
        '/batch',
        { BatchItemRequest: [{ bId: 'p', operation: 'update', optionsData: 'void', Payment: { Id: pay.Id, SyncToken: pay.SyncToken, sparse: true } }] },
        realm,
      );
      expect(res.json.BatchItemResponse[0].Payment.TotalAmt).toBe(0);
      const invNow = (await h.qbo('GET', `/invoice/${inv.Id}`, undefined, realm)).json.Invoice;
      const v = await h.qbo('POST', '/batch', { BatchItemRequest: [{ bId: 'v', operation: 'void', Invoice: { Id: inv.Id, SyncToken: invNow.SyncToken } }] }, realm);
      expect(v.json.BatchItemResponse[0].Invoice.PrivateNote).toMatch(/^Voided/);
    });
  });

  describe('requestid', () => {
    it('replays the original response (status and body) without writing twice', async () => {
      const realm = await h.newRealm();
      const c = await createCustomer(h, 'Replay Customer', {}, realm);
      const body = { CustomerRef: { value: c.Id }, Line: [salesLine('42.00')] };
      const first = await h.qbo('POST', '/invoice?requestid=4957&minorversion=75', body, realm);
      const second = await h.qbo('POST', '/invoice?requestid=4957', body, realm);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.text).toBe(first.text);
      const count = await h.qbo('GET', `/query?query=${encodeURIComponent('select count(*) from Invoice')}`, undefined, realm);
      expect(count.json.QueryResponse.totalCount).toBe(1);
      const stats = await h.control('GET', `/realms/${realm.realmId}/stats`);
      expect(stats.json.replays).toBe(1);
      expect(stats.json.writes['Invoice.Create']).toBe(1);
    });

    it('replays faults too, and the same requestid in another realm is a new request', async () => {
      const a = await h.newRealm();
      const b = await h.newRealm();
      const bad = { CustomerRef: { value: '77' }, Line: [salesLine(1)] };
      const f1 = await h.qbo('POST', '/invoice?requestid=same-id', bad, a);
      const f2 = await h.qbo('POST', '/invoice?requestid=same-id', bad, a);
      expect(f1.status).toBe(400);
      expect(f2.text).toBe(f1.text);
      const cb = await createCustomer(h, 'Realm B Customer', {}, b);
      const ok = await h.qbo('POST', '/invoice?requestid=same-id', { CustomerRef: { value: cb.Id }, Line: [salesLine(1)] }, b);
      expect(ok.status).toBe(200);
    });

    it('refuses a requestid reused for a different request, and over-long requestids', async () => {
      const realm = await h.newRealm();
      const c = await createCustomer(h, 'Reuse Customer', {}, realm);
      await h.qbo('POST', '/invoice?requestid=reuse', { CustomerRef: { value: c.Id }, Line: [salesLine(1)] }, realm);
      const other = await h.qbo('POST', '/invoice?requestid=reuse', { CustomerRef: { value: c.Id }, Line: [salesLine(2)] }, realm);
      expect(other.status).toBe(400);
      expect(other.json.Fault.Error[0].code).toBe('600');
      const long = await h.qbo('POST', `/invoice?requestid=${'x'.repeat(51)}`, { CustomerRef: { value: c.Id }, Line: [salesLine(1)] }, realm);
      expect(long.json.Fault.Error[0].code).toBe('2050');
    });

    it('replays a whole batch', async () => {
      const realm = await h.newRealm();
      const body = { BatchItemRequest: [{ bId: 'one', operation: 'create', Customer: { DisplayName: 'Batch Replay' } }] };
      const first = await h.qbo('POST', '/batch?requestid=batch-1', body, realm);
      const second = await h.qbo('POST', '/batch?requestid=batch-1', body, realm);
      expect(second.text).toBe(first.text);
      expect(first.json.BatchItemResponse[0].Customer).toBeDefined();
      const longBid = await h.qbo('POST', '/batch?requestid=batch-2', { BatchItemRequest: [{ bId: 'b'.repeat(11), Query: 'select * from Term' }] }, realm);
      expect(longBid.status).toBe(400);
    });
  });
});

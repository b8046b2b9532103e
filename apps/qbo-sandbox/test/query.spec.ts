import { AnyJson, Harness, createCustomer, createInvoice, startSandbox } from './sandbox-harness';

describe('query language (HTTP)', () => {
  let h: Harness;
  let realm: { realmId: string; token: string };
  const ids: Record<string, string> = {};

  const query = (text: string) => h.qbo('GET', `/query?query=${encodeURIComponent(text)}&minorversion=75`, undefined, realm);
  const invoiceIds = (res: { json: AnyJson }) => (res.json.QueryResponse.Invoice ?? []).map((i: { Id: string }) => i.Id);

  beforeAll(async () => {
    h = await startSandbox();
    realm = await h.newRealm();
    const adams = await createCustomer(h, "Adam's Candy Shop", { PrimaryEmailAddr: { Address: 'adam@candy.example' } }, realm);
    const bob = await createCustomer(h, 'Bob Back\\Slash', {}, realm);
    const carol = await createCustomer(h, 'Carol 100% Organic', {}, realm);
    const inactive = await createCustomer(h, 'Dormant Dan', {}, realm);
    await h.qbo('POST', '/customer', { Id: inactive.Id, SyncToken: inactive.SyncToken, sparse: true, Active: false }, realm);
    Object.assign(ids, { adams: adams.Id, bob: bob.Id, carol: carol.Id, inactive: inactive.Id });
    // five invoices with distinct totals and dates
    const specs: [string, string, string, string][] = [
      [adams.Id, '100.00', '2026-01-05', 'A-1'],
      [adams.Id, '250.50', '2026-02-10', 'A-2'],
      [bob.Id, '75.25', '2026-03-15', 'B-1'],
      [bob.Id, '1000.00', '2026-04-20', 'B-2'],
      [carol.Id, '0.99', '2026-05-25', 'C-1'],
    ];
    for (const [cid, amount, date, doc] of specs) {
      const inv = await createInvoice(h, cid, [amount], { TxnDate: date, DocNumber: doc }, realm);
      ids[doc] = inv.Id;
    }
  });
  afterAll(() => h.close());

  it('SELECT * returns the QueryResponse envelope with startPosition and page-size maxResults', async () => {
    const res = await query('SELECT * FROM Invoice');
    expect(res.status).toBe(200);
    expect(res.json.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 5 });
    expect(res.json.QueryResponse.Invoice).toHaveLength(5);
    expect(res.json.QueryResponse.totalCount).toBeUndefined();
    expect(typeof res.json.time).toBe('string');
  });

  it('comparison operators on decimals, dates and refs; AND combines', async () => {
    expect(invoiceIds(await query("select * from Invoice where TotalAmt > '250.5'"))).toEqual([ids['B-2']]);
    expect(invoiceIds(await query('select * from Invoice where TotalAmt >= 250.50'))).toEqual([ids['A-2'], ids['B-2']]);
    expect(invoiceIds(await query('select * from Invoice where TotalAmt < 1'))).toEqual([ids['C-1']]);
    expect(invoiceIds(await query("select * from Invoice where TotalAmt <= '75.25'"))).toEqual([ids['B-1'], ids['C-1']]);
    expect(invoiceIds(await query("select * from Invoice where TxnDate >= '2026-02-10' AND TxnDate < '2026-04-20'"))).toEqual([ids['A-2'], ids['B-1']]);
    expect(invoiceIds(await query(`select * from Invoice where CustomerRef = '${ids['bob']}'`))).toEqual([ids['B-1'], ids['B-2']]);
    expect(invoiceIds(await query(`select * from Invoice where CustomerRef = '${ids['bob']}' and Balance > '100'`))).toEqual([ids['B-2']]);
    expect(invoiceIds(await query("select * from Invoice where DocNumber = 'a-1'"))).toEqual([ids['A-1']]);
  });

  it('IN lists and LIKE with % (case-insensitive)', async () => {
    expect(invoiceIds(await query(`select * from Invoice where Id IN ('${ids['A-1']}', '${ids['C-1']}', '9999')`))).toEqual([ids['A-1'], ids['C-1']]);
    expect(invoiceIds(await query("select * from Invoice where DocNumber in ('B-1','B-2')"))).toEqual([ids['B-1'], ids['B-2']]);
    const like = await query("select * from Customer where DisplayName like 'adam%'");
    expect(like.json.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).toEqual([ids['adams']]);
    // % is the only wildcard and cannot be escaped: '%100\\%%' is just "contains 100"
    const contains = await query("select * from Customer where DisplayName LIKE '%100\\%%'");
    expect(contains.json.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).toEqual([ids['carol']]);
    const organic = await query("select * from Customer where DisplayName LIKE '%ORGANIC'");
    expect(organic.json.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).toEqual([ids['carol']]);
  });

  it("escapes quotes and backslashes with a backslash ('Adam\\'s')", async () => {
    const res = await query("select * from Customer where DisplayName = 'Adam\\'s Candy Shop'");
    expect(res.json.QueryResponse.Customer[0].Id).toBe(ids['adams']);
    const slash = await query("select * from Customer where DisplayName = 'Bob Back\\\\Slash'");
    expect(slash.json.QueryResponse.Customer[0].Id).toBe(ids['bob']);
    const email = await query("select * from Customer where PrimaryEmailAddr = 'adam@candy.example'");
    expect(email.json.QueryResponse.Customer[0].Id).toBe(ids['adams']);
  });

  it('ORDERBY ASC/DESC, STARTPOSITION (1-based) and MAXRESULTS page through results', async () => {
    expect(invoiceIds(await query('select * from Invoice orderby TotalAmt desc'))).toEqual([ids['B-2'], ids['A-2'], ids['A-1'], ids['B-1'], ids['C-1']]);
    expect(invoiceIds(await query('select * from Invoice ORDER BY TxnDate ASC'))).toEqual([ids['A-1'], ids['A-2'], ids['B-1'], ids['B-2'], ids['C-1']]);
    const page2 = await query('select * from Invoice orderby TotalAmt startposition 3 maxresults 2');
    expect(page2.json.QueryResponse).toMatchObject({ startPosition: 3, maxResults: 2 });
    expect(invoiceIds(page2)).toEqual([ids['A-1'], ids['A-2']]);
    const last = await query('select * from Invoice orderby TotalAmt STARTPOSITION 5 MAXRESULTS 2');
    expect(last.json.QueryResponse.maxResults).toBe(1);
    const beyond = await query('select * from Invoice STARTPOSITION 6');
    expect(beyond.json.QueryResponse).toEqual({});
  });

  it('COUNT(*) answers with totalCount only', async () => {
    const res = await query('select count(*) from Invoice where TotalAmt > 50');
    expect(res.json.QueryResponse).toEqual({ totalCount: 4 });
  });

  it('keywords, entity and property names are case-insensitive', async () => {
    const res = await query("SeLeCt * FrOm cUsToMeR wHeRe displayname = 'Carol 100% Organic'");
    expect(res.json.QueryResponse.Customer[0].Id).toBe(ids['carol']);
  });

  it('name-list queries return active objects unless Active is filtered', async () => {
    const active = await query('select * from Customer');
    expect(active.json.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).not.toContain(ids['inactive']);
    const all = await query('select * from Customer where Active IN (true, false)');
    expect(all.json.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).toContain(ids['inactive']);
    const inactive = await query('select * from Customer where Active = false');
    expect(inactive.json.QueryResponse.Customer.map((c: { Id: string }) => c.Id)).toEqual([ids['inactive']]);
  });

  it('filters on MetaData.LastUpdatedTime', async () => {
    const future = await query("select * from Invoice where MetaData.LastUpdatedTime > '2999-01-01T00:00:00-08:00'");
    expect(future.json.QueryResponse).toEqual({});
    const past = await query("select count(*) from Invoice where Metadata.LastUpdatedTime >= '2000-01-01'");
    expect(past.json.QueryResponse.totalCount).toBe(5);
  });

  it('POST /query with Content-Type application/text', async () => {
    const res = await h.qbo('POST', '/query', undefined, {
      ...realm,
      rawBody: "select * from Invoice where DocNumber = 'B-2'",
      headers: { 'content-type': 'application/text' },
    });
    expect(res.status).toBe(200);
    expect(invoiceIds(res)).toEqual([ids['B-2']]);
  });

  it('parse errors → 4000 QueryParserError; unqueryable properties and bad paging → 4001', async () => {
    const unescaped = await query("select * from Customer where DisplayName = 'Adam's Candy Shop'");
    expect(unescaped.status).toBe(400);
    expect(unescaped.json.Fault.Error[0].code).toBe('4000');
    expect(unescaped.json.Fault.Error[0].Detail).toMatch(/^QueryParserError: Encountered .* at line 1, column \d+/);
    const curly = await query('select * from Customer where DisplayName = \u2019x\u2019');
    expect(curly.json.Fault.Error[0].Detail).toMatch(/Lexical error/);
    expect((await query('select * from Invoice where TotalAmt > 1 OR TotalAmt < 1')).json.Fault.Error[0].code).toBe('4000');
    expect((await query('select Id from Invoice')).json.Fault.Error[0].code).toBe('4000');
    const unqueryable = await query("select * from Payment where UnappliedAmt > '0'");
    expect(unqueryable.json.Fault.Error[0]).toMatchObject({ code: '4001', Detail: "QueryValidationError: property 'UnappliedAmt' is not queryable" });
    expect((await query('select * from Invoice maxresults 1001')).json.Fault.Error[0].code).toBe('4001');
    expect((await query('select * from Invoice startposition 0')).json.Fault.Error[0].code).toBe('4001');
    expect((await query('select * from Nope')).json.Fault.Error[0].code).toBe('4001');
    expect((await query("select * from Invoice where TotalAmt > 'abc'")).json.Fault.Error[0].code).toBe('4001');
  });

  it('defaults to 100 rows and allows up to 1000', async () => {
    const { realmId, token } = await h.newRealm({ seed: 3, customers: 5, invoices: 150 });
    const q = (t: string) => h.qbo('GET', `/query?query=${encodeURIComponent(t)}`, undefined, { realmId, token });
    expect((await q('select * from Invoice')).json.QueryResponse.maxResults).toBe(100);
    expect((await q('select * from Invoice maxresults 1000')).json.QueryResponse.maxResults).toBe(150);
    expect((await q('select count(*) from Invoice')).json.QueryResponse.totalCount).toBe(150);
  });

  it('queries Preferences and CompanyInfo', async () => {
    expect((await query('select * from Preferences')).json.QueryResponse.Preferences).toHaveLength(1);
    expect((await query('select * from CompanyInfo')).json.QueryResponse.CompanyInfo[0].Id).toBe('1');
  });
});

import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import {
  type BatchItemResult,
  type CreditMemo,
  type Customer,
  type Invoice,
  type Payment,
  parseQboJson,
  PgTokenStore,
  QboClient,
  QboClientUsageError,
  QboClosedPeriodError,
  type QboCompany,
  QboDuplicateDocNumberError,
  QboDuplicateNameError,
  type QboError,
  QboInvalidReferenceError,
  qboQuery,
  QboStaleObjectError,
  QboTokenManager,
  QboValidationError,
  type SalesLine,
  TokenCipher,
} from '@arbiter/qbo-client';
import Decimal from 'decimal.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { type Exchange, SandboxProcess, shapeProblems, startRecordingProxy, storeMintedConnection } from './qbo-client-harness';
import { ROOT } from './run-from-source';

/**
 * The production client (`libs/qbo-client`) against the QuickBooks sandbox (`apps/qbo-sandbox`) running as
 * its own process with its real limits. Two independent implementations of the same reference: every call
 * here goes through QboClient, and a recording proxy in between keeps the exact JSON each call received,
 * which is checked against the reference's examples (the sandbox's copies in `src/__fixtures__`, read as
 * files) — and what the client made of it is checked against the same examples as the client parses them.
 */

const fixtureText = (name: string) => readFileSync(join(ROOT, 'apps', 'qbo-sandbox', 'src', '__fixtures__', name), 'utf8');
/** The example as it is on the wire (numbers are numbers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const wireExample = (name: string): any => JSON.parse(fixtureText(name));
/** The example as the client's own parser reads it (money as exact decimal strings): the shape a caller gets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const clientExample = (name: string): any => parseQboJson(fixtureText(name));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const wireBody = (e: Exchange): any => JSON.parse(e.responseBody);

const D = Decimal.clone({ precision: 40 });
const sameAmount = (a: string | undefined, b: string) => a !== undefined && new D(a).eq(b);
const sum = (values: Array<string | undefined>) => values.reduce((acc, v) => acc.plus(v ?? '0'), new D(0));

/** Awaits a rejection and checks its class (and QuickBooks code); returns the error for more checks. */
async function rejection<E extends QboError>(promise: Promise<unknown>, type: new (...args: never[]) => E, code?: string): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(type);
  if (code !== undefined) expect((caught as E).code).toBe(code);
  return caught as E;
}

const salesLine = (amount: string, extra: Partial<SalesLine> = {}): SalesLine => ({
  DetailType: 'SalesItemLineDetail',
  Amount: amount,
  SalesItemLineDetail: { ItemRef: { value: '1', name: 'Services' } },
  ...extra,
});

describe('QboClient against the running QuickBooks sandbox: the contract', () => {
  let sandbox: SandboxProcess;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let db: TestDatabase;
  let pool: Pool;
  let store: PgTokenStore;
  let client: QboClient;
  let company: QboCompany;
  let keySeq = 0;
  /** A fresh idempotency key per logical write (a reused key would replay an earlier answer). */
  const key = (what: string) => `${what}:${++keySeq}`;
  const exchangesFor = (pred: (e: Exchange) => boolean) => proxy.exchanges.filter(pred);
  const lastPost = (pathPart: string) => proxy.last((e) => e.method === 'POST' && e.url.includes(pathPart));

  /** A connected company with tokens minted by the sandbox, stored (sealed) in PostgreSQL. */
  const connectedRealm = async (body: Record<string, unknown> = {}): Promise<QboCompany> => {
    const { realmId } = await sandbox.newRealm(body);
    await storeMintedConnection(store, await sandbox.mint(realmId));
    return client.company(realmId);
  };
  const newCustomer = async (c: QboCompany, name: string): Promise<Customer> =>
    c.create('Customer', { DisplayName: name, PrimaryEmailAddr: { Address: 'ap@example.com' } }, { idempotencyKey: key('customer') });

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
    proxy = await startRecordingProxy(sandbox.url);
    db = await createTestDatabase('e2e_qbo_contract');
    pool = new Pool({ connectionString: db.url, max: 4 });
    store = new PgTokenStore({ pool, cipher: TokenCipher.fromBase64(randomBytes(32).toString('base64')), schema: 'arbiter_qbo' });
    await store.ensureSchema();
    const tokens = new QboTokenManager({ oauth: sandbox.oauthConfig(), store });
    // Short backoffs keep the suite quick; the policy itself is the production one.
    client = new QboClient({ apiBaseUrl: proxy.url, tokens, retry: { baseDelayMs: 20, rateLimitedBaseDelayMs: 100 } });
    company = await connectedRealm();
  });

  afterAll(async () => {
    await client?.close();
    await proxy?.close();
    await sandbox?.stop();
    // pool.end() resolves before its sockets are closed; the forced drop then terminates them (57P01), expectedly.
    pool?.on('error', () => undefined);
    await pool?.end();
    await db?.drop();
  });

  it('Customer: create, read, sparse update, stale SyncToken (5010), duplicate name (6240), deactivate instead of delete', async () => {
    const name = "Amy's Bird Sanctuary \\ West";
    const created = await company.create(
      'Customer',
      { DisplayName: name, PrimaryEmailAddr: { Address: 'birds@example.com' }, BillAddr: { Line1: '4581 Finch St.', City: 'Bayshore', CountrySubDivisionCode: 'CA', PostalCode: '94326' } },
      { idempotencyKey: key('customer') },
    );
    // No Customer example in the reference: the common envelope of the Invoice example applies to every entity.
    const invoiceExample = wireExample('invoice-create-response.json').Invoice;
    const envelope = { Customer: { Id: invoiceExample.Id, SyncToken: invoiceExample.SyncToken, domain: invoiceExample.domain, sparse: invoiceExample.sparse, MetaData: invoiceExample.MetaData }, time: '' };
    expect(shapeProblems(envelope, wireBody(lastPost('/customer?')), { exact: ['$.Customer.MetaData'] })).toEqual([]);
    expect(created).toMatchObject({ DisplayName: name, SyncToken: '0', domain: 'QBO', PrimaryEmailAddr: { Address: 'birds@example.com' } });
    expect(typeof created.Balance).toBe('string');
    expect(sameAmount(created.Balance, '0')).toBe(true);

    expect(await company.read('Customer', created.Id)).toMatchObject({ Id: created.Id, DisplayName: name, SyncToken: '0' });

    const updated = await company.update('Customer', { Id: created.Id, SyncToken: created.SyncToken, Notes: 'feeds birds' }, { idempotencyKey: key('customer-update') });
    expect(updated).toMatchObject({ SyncToken: '1', Notes: 'feeds birds', DisplayName: name, PrimaryEmailAddr: { Address: 'birds@example.com' }, BillAddr: { City: 'Bayshore' } });
    const sent = JSON.parse(lastPost('/customer?').requestBody) as Record<string, unknown>;
    expect(sent).toEqual({ Id: created.Id, SyncToken: '0', Notes: 'feeds birds', sparse: true }); // sparse: nothing else travels

    const stale = await rejection(
      company.update('Customer', { Id: created.Id, SyncToken: '0', Notes: 'late' }, { idempotencyKey: key('customer-update') }),
      QboStaleObjectError,
      '5010',
    );
    expect(stale).toMatchObject({ kind: 'permanent', httpStatus: 400, faultType: 'ValidationFault' });
    expect(shapeProblems(wireExample('fault-validation-response.json'), wireBody(lastPost('/customer?')), { exact: ['$', '$.Fault', '$.Fault.Error[0]'] })).toEqual([]);

    // Display names are unique case-insensitively across the name lists.
    await rejection(newCustomer(company, name.toUpperCase()), QboDuplicateNameError, '6240');

    // The name has an apostrophe and a backslash: the query builder's escaping against the sandbox's parser.
    expect((await company.query(qboQuery('Customer').where('DisplayName', '=', name))).rows.map((c) => c.Id)).toEqual([created.Id]);
    const inactive = await company.deactivate('Customer', updated, { idempotencyKey: key('customer-deactivate') });
    expect(inactive).toMatchObject({ Active: false, SyncToken: '2' });
    expect((await company.query(qboQuery('Customer').where('DisplayName', '=', name))).rows).toEqual([]);
    expect((await company.query(qboQuery('Customer').where('DisplayName', '=', name).where('Active', 'IN', [true, false]))).rows).toHaveLength(1);
    await rejection(newCustomer(company, name), QboDuplicateNameError, '6240'); // still reserved while inactive
  });

  it('Item: create with exact money, read, sparse update, 6240, 2500 bad account, 2020 missing field, deactivate', async () => {
    const income = (await company.query(qboQuery('Account').where('AccountType', '=', 'Income'))).rows[0];
    const item = await company.create(
      'Item',
      { Name: 'Rock Fountain', Type: 'Service', IncomeAccountRef: { value: income.Id }, UnitPrice: '12345678901234.56' },
      { idempotencyKey: key('item') },
    );
    expect(item.UnitPrice).toBe('12345678901234.56');
    expect(lastPost('/item?').responseBody).toContain('"UnitPrice":12345678901234.56');
    expect(lastPost('/item?').requestBody).toContain('"UnitPrice":12345678901234.56');
    expect(item).toMatchObject({ Name: 'Rock Fountain', SyncToken: '0', IncomeAccountRef: { value: income.Id } });
    expect((await company.read('Item', item.Id)).UnitPrice).toBe('12345678901234.56');

    const repriced = await company.update('Item', { Id: item.Id, SyncToken: item.SyncToken, UnitPrice: '275.10' }, { idempotencyKey: key('item-update') });
    expect(repriced).toMatchObject({ SyncToken: '1', Name: 'Rock Fountain', Type: 'Service' });
    expect(sameAmount(repriced.UnitPrice, '275.10')).toBe(true);

    await rejection(company.create('Item', { Name: 'rock fountain', Type: 'Service', IncomeAccountRef: { value: income.Id } }, { idempotencyKey: key('item') }), QboDuplicateNameError, '6240');
    await rejection(company.create('Item', { Name: 'Pump', Type: 'Service', IncomeAccountRef: { value: '99999' } }, { idempotencyKey: key('item') }), QboInvalidReferenceError, '2500');
    await rejection(company.create('Item', { Name: 'Pump', Type: 'Service' }, { idempotencyKey: key('item') }), QboValidationError, '2020');
    expect(await company.deactivate('Item', repriced, { idempotencyKey: key('item-deactivate') })).toMatchObject({ Active: false, SyncToken: '2' });
  });

  it('Invoice: create (shape of §2.1), exact money, sparse update, 5010, void (§3.4), delete (§3.3) then 610, 2500, 610 inactive customer, 6140', async () => {
    const customer = await company.create(
      'Customer',
      { DisplayName: 'Invoice Contract Co', BillAddr: { Line1: '4581 Finch St.', City: 'Bayshore', CountrySubDivisionCode: 'CA', PostalCode: '94326' } },
      { idempotencyKey: key('customer') },
    );
    const invoice = await company.create(
      'Invoice',
      { CustomerRef: { value: customer.Id }, Line: [salesLine('100.00', { SalesItemLineDetail: { ItemRef: { value: '1', name: 'Services' }, Qty: '1', UnitPrice: '100.00' } })] },
      { idempotencyKey: key('invoice') },
    );
    const options = {
      // The sandbox does no geocoding and gives addresses no Id, and a new company has no custom field definitions.
      exempt: ['$.Invoice.BillAddr.Id', '$.Invoice.BillAddr.Lat', '$.Invoice.BillAddr.Long', '$.Invoice.CustomField', '$.BillAddr.Id', '$.BillAddr.Lat', '$.BillAddr.Long', '$.CustomField'],
      exact: ['$.Invoice.Line[1]', '$.Invoice.Line[0].SalesItemLineDetail.TaxCodeRef', '$.Invoice.MetaData', '$.Line[1]', '$.MetaData'],
    };
    expect(shapeProblems(wireExample('invoice-create-response.json'), wireBody(lastPost('/invoice?')), options)).toEqual([]);
    expect(shapeProblems(clientExample('invoice-create-response.json').Invoice, invoice, options)).toEqual([]);
    expect(invoice.Line.map((l) => l.DetailType)).toEqual(['SalesItemLineDetail', 'SubTotalLineDetail']);
    expect(sameAmount(invoice.TotalAmt, '100.00') && sameAmount(invoice.Balance, '100.00')).toBe(true);

    // Money crosses the edge as text, both ways, byte for byte.
    const big = await company.create(
      'Invoice',
      { CustomerRef: { value: customer.Id }, Line: [salesLine('12345678901234.56', { SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: '1', UnitPrice: '12345678901234.56' } })] },
      { idempotencyKey: key('invoice') },
    );
    expect(lastPost('/invoice?').requestBody).toContain('"Amount":12345678901234.56');
    expect(lastPost('/invoice?').responseBody).toContain('"TotalAmt":12345678901234.56');
    expect([big.TotalAmt, big.Balance]).toEqual(['12345678901234.56', '12345678901234.56']);
    expect((await company.read('Invoice', big.Id)).TotalAmt).toBe('12345678901234.56');
    const tenths = await company.create('Invoice', { CustomerRef: { value: customer.Id }, Line: [salesLine('0.10'), salesLine('0.20')] }, { idempotencyKey: key('invoice') });
    expect(typeof tenths.TotalAmt).toBe('string');
    expect(sameAmount(tenths.TotalAmt, '0.30')).toBe(true); // not 0.30000000000000004

    const moved = await company.update('Invoice', { Id: invoice.Id, SyncToken: invoice.SyncToken, DueDate: '2027-01-31' }, { idempotencyKey: key('invoice-update') });
    expect(moved).toMatchObject({ SyncToken: '1', DueDate: '2027-01-31', TxnDate: invoice.TxnDate });
    expect(moved.Line).toEqual(invoice.Line); // sparse: lines untouched when no Line is sent
    await rejection(company.update('Invoice', { Id: invoice.Id, SyncToken: '0', PrivateNote: 'late' }, { idempotencyKey: key('invoice-update') }), QboStaleObjectError, '5010');

    const voided = await company.void('Invoice', moved, { idempotencyKey: key('invoice-void') });
    expect(lastPost('/invoice?').url).toContain('operation=void');
    expect(shapeProblems(wireExample('void-response.json'), wireBody(lastPost('/invoice?')))).toEqual([]);
    expect(shapeProblems(clientExample('void-response.json').Invoice, voided)).toEqual([]);
    expect(voided.SyncToken).toBe('2');
    expect(voided.PrivateNote).toMatch(/^Voided/);
    expect(sameAmount(voided.TotalAmt, '0') && sameAmount(voided.Balance, '0')).toBe(true);
    expect((await company.read('Invoice', invoice.Id)).SyncToken).toBe('2'); // voided, still on file

    const deleted = await company.delete('Invoice', tenths, { idempotencyKey: key('invoice-delete') });
    expect(shapeProblems(wireExample('delete-response.json'), wireBody(lastPost('/invoice?')), { exact: ['$.Invoice'] })).toEqual([]);
    expect(deleted).toEqual({ Id: tenths.Id, status: 'Deleted', domain: 'QBO' });
    await rejection(company.read('Invoice', tenths.Id), QboInvalidReferenceError, '610');

    await rejection(company.create('Invoice', { CustomerRef: { value: '987654' }, Line: [salesLine('1.00')] }, { idempotencyKey: key('invoice') }), QboInvalidReferenceError, '2500');
    const gone = await newCustomer(company, 'Gone Away Ltd');
    await company.deactivate('Customer', gone, { idempotencyKey: key('customer-deactivate') });
    await rejection(company.create('Invoice', { CustomerRef: { value: gone.Id }, Line: [salesLine('1.00')] }, { idempotencyKey: key('invoice') }), QboInvalidReferenceError, '610');

    await company.create('Invoice', { CustomerRef: { value: customer.Id }, DocNumber: 'C-6140', Line: [salesLine('1.00')] }, { idempotencyKey: key('invoice') });
    await rejection(company.create('Invoice', { CustomerRef: { value: customer.Id }, DocNumber: 'C-6140', Line: [salesLine('2.00')] }, { idempotencyKey: key('invoice') }), QboDuplicateDocNumberError, '6140');
    const allowed = await company.create('Invoice', { CustomerRef: { value: customer.Id }, DocNumber: 'C-6140', Line: [salesLine('2.00')] }, { idempotencyKey: key('invoice'), allowDuplicateDocNumber: true });
    expect(allowed.DocNumber).toBe('C-6140');
  });

  it('Payment: create (shape of §2.2) applied to an invoice, exact money, sparse update, void via include=void, delete', async () => {
    const customer = await newCustomer(company, 'Red Rock Diner');
    const invoice = await company.create('Invoice', { CustomerRef: { value: customer.Id }, Line: [salesLine('200.00')] }, { idempotencyKey: key('invoice') });
    const payment = await company.create(
      'Payment',
      { TotalAmt: '150.00', CustomerRef: { value: customer.Id }, Line: [{ Amount: '150.00', LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] },
      { idempotencyKey: key('payment') },
    );
    const options = { exact: ['$.Payment.Line[0]', '$.Payment.Line[0].LinkedTxn[0]', '$.Line[0]', '$.Line[0].LinkedTxn[0]'] };
    expect(shapeProblems(wireExample('payment-create-response.json'), wireBody(lastPost('/payment?')), options)).toEqual([]);
    expect(shapeProblems(clientExample('payment-create-response.json').Payment, payment, options)).toEqual([]);
    expect(sameAmount(payment.UnappliedAmt, '0')).toBe(true);
    const partlyPaid = await company.read('Invoice', invoice.Id);
    expect(sameAmount(partlyPaid.Balance, '50.00')).toBe(true);
    expect(partlyPaid.LinkedTxn).toEqual([{ TxnId: payment.Id, TxnType: 'Payment' }]);

    const noted = await company.update('Payment', { Id: payment.Id, SyncToken: payment.SyncToken, PaymentRefNum: 'CHK-1042' }, { idempotencyKey: key('payment-update') });
    expect(noted).toMatchObject({ SyncToken: '1', PaymentRefNum: 'CHK-1042' });
    expect(noted.Line).toEqual(payment.Line);

    const voided = await company.void('Payment', noted, { idempotencyKey: key('payment-void') });
    const voidCall = lastPost('/payment?');
    expect(voidCall.url).toMatch(/operation=update/);
    expect(voidCall.url).toMatch(/include=void/);
    expect(JSON.parse(voidCall.requestBody)).toEqual({ Id: payment.Id, SyncToken: '1', sparse: true });
    expect(sameAmount(voided.TotalAmt, '0')).toBe(true);
    expect(sameAmount((await company.read('Invoice', invoice.Id)).Balance, '200.00')).toBe(true); // the invoice reopens

    const second = await company.create(
      'Payment',
      { TotalAmt: '80.00', CustomerRef: { value: customer.Id }, Line: [{ Amount: '80.00', LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }] },
      { idempotencyKey: key('payment') },
    );
    expect(sameAmount((await company.read('Invoice', invoice.Id)).Balance, '120.00')).toBe(true);
    expect(await company.delete('Payment', second, { idempotencyKey: key('payment-delete') })).toMatchObject({ Id: second.Id, status: 'Deleted' });
    expect(sameAmount((await company.read('Invoice', invoice.Id)).Balance, '200.00')).toBe(true);
    await rejection(company.read('Payment', second.Id), QboInvalidReferenceError, '610');

    const huge = await company.create('Invoice', { CustomerRef: { value: customer.Id }, Line: [salesLine('12345678901234.56')] }, { idempotencyKey: key('invoice') });
    const exact = await company.create(
      'Payment',
      { TotalAmt: '12345678901234.56', CustomerRef: { value: customer.Id }, Line: [{ Amount: '12345678901234.56', LinkedTxn: [{ TxnId: huge.Id, TxnType: 'Invoice' }] }] },
      { idempotencyKey: key('payment') },
    );
    expect(exact.TotalAmt).toBe('12345678901234.56');
    expect(sameAmount((await company.read('Invoice', huge.Id)).Balance, '0')).toBe(true);
  });

  it('CreditMemo: create, read, sparse update, void, delete', async () => {
    const customer = await newCustomer(company, 'Credit Memo Contract Co');
    const memo = await company.create('CreditMemo', { CustomerRef: { value: customer.Id }, Line: [salesLine('40.25')] }, { idempotencyKey: key('credit-memo') });
    expect(memo).toMatchObject({ SyncToken: '0', CustomerRef: { value: customer.Id } });
    expect(sameAmount(memo.TotalAmt, '40.25') && sameAmount(memo.RemainingCredit, '40.25')).toBe(true);
    expect((await company.read('CreditMemo', memo.Id)).Id).toBe(memo.Id);
    const noted = await company.update('CreditMemo', { Id: memo.Id, SyncToken: memo.SyncToken, PrivateNote: 'returned goods' }, { idempotencyKey: key('credit-memo-update') });
    expect(noted).toMatchObject({ SyncToken: '1', PrivateNote: 'returned goods' });
    expect(noted.Line).toEqual(memo.Line);
    const voided = await company.void('CreditMemo', noted, { idempotencyKey: key('credit-memo-void') });
    expect(voided.SyncToken).toBe('2');
    expect(sameAmount(voided.TotalAmt, '0')).toBe(true);
    const other = await company.create('CreditMemo', { CustomerRef: { value: customer.Id }, Line: [salesLine('5.00')] }, { idempotencyKey: key('credit-memo') });
    expect(await company.delete('CreditMemo', other, { idempotencyKey: key('credit-memo-delete') })).toMatchObject({ Id: other.Id, status: 'Deleted' });
    await rejection(company.read('CreditMemo', other.Id), QboInvalidReferenceError, '610');
  });

  it('query pages past 1000 (STARTPOSITION/MAXRESULTS), COUNT(*), envelopes of §4', async () => {
    const big = await connectedRealm({ customers: 1205, seed: 11 });
    const before = proxy.exchanges.length;
    const all = await big.queryAll(qboQuery('Customer'));
    const pageCalls = proxy.exchanges.slice(before).map((e) => new URL(e.url, 'http://x').searchParams.get('query'));
    expect(pageCalls).toEqual(['SELECT * FROM Customer ORDERBY Id ASC STARTPOSITION 1 MAXRESULTS 1000', 'SELECT * FROM Customer ORDERBY Id ASC STARTPOSITION 1001 MAXRESULTS 1000']);
    expect(all).toHaveLength(1205);
    expect(new Set(all.map((c) => c.Id)).size).toBe(1205);
    const ids = all.map((c) => Number(c.Id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const pageSizes: number[] = [];
    for await (const page of big.queryPages(qboQuery('Customer'), 500)) pageSizes.push(page.length);
    expect(pageSizes).toEqual([500, 500, 205]);

    expect(await big.count(qboQuery('Customer'))).toBe(1205);
    const amys = all.filter((c) => c.DisplayName.startsWith('Amy'));
    expect(await big.count(qboQuery('Customer').where('DisplayName', 'LIKE', 'Amy%'))).toBe(amys.length);
    expect(shapeProblems(wireExample('query-count-response.json'), wireBody(proxy.exchanges[proxy.exchanges.length - 1]), { exact: ['$.QueryResponse'] })).toEqual([]);

    const page = await big.query(qboQuery('Customer'), { startPosition: 1, maxResults: 2 });
    expect(page).toMatchObject({ startPosition: 1, count: 2 });
    const example = wireExample('query-response.json');
    example.QueryResponse = { Customer: example.QueryResponse.Invoice, startPosition: 1, maxResults: 2, totalCount: 2 };
    // SELECT * answers leave totalCount out (sandbox README); the client never relies on it.
    expect(shapeProblems(example, wireBody(proxy.exchanges[proxy.exchanges.length - 1]), { exempt: ['$.QueryResponse.totalCount'] })).toEqual([]);

    expect((await big.query(qboQuery('Customer').where('DisplayName', '=', 'Nobody At All'))).rows).toEqual([]);
    expect(shapeProblems(wireExample('query-empty-response.json'), wireBody(proxy.exchanges[proxy.exchanges.length - 1]), { exact: ['$.QueryResponse'] })).toEqual([]);
  });

  it('CDC: changed objects and tombstones (§5), the empty answer, and the 30-day look-back refused before sending', async () => {
    const c = await connectedRealm();
    const since = new Date(Date.now() - 60_000);
    const one = await newCustomer(c, 'CDC One');
    const two = await newCustomer(c, 'CDC Two');
    const kept = await c.create('Invoice', { CustomerRef: { value: one.Id }, Line: [salesLine('1.00')] }, { idempotencyKey: key('invoice') });
    const dropped = await c.create('Invoice', { CustomerRef: { value: two.Id }, Line: [salesLine('2.00')] }, { idempotencyKey: key('invoice') });
    await c.delete('Invoice', dropped, { idempotencyKey: key('invoice-delete') });

    const result = await c.cdc(['Customer', 'Invoice'], since);
    expect(result.changes.Customer?.changed.map((x) => x.Id).sort()).toEqual([one.Id, two.Id].sort());
    expect(result.changes.Invoice?.changed.map((x) => x.Id)).toEqual([kept.Id]);
    expect(result.changes.Invoice?.deleted).toEqual([expect.objectContaining({ Id: dropped.Id, status: 'Deleted' })]);
    expect(result).toMatchObject({ objectCount: 4, possiblyTruncated: false });
    expect(typeof result.time).toBe('string');
    const example = wireExample('cdc-response.json');
    // Estimate is not modelled by the sandbox; the Invoice group plays its part (one live, one deleted).
    const estimates = example.CDCResponse[0].QueryResponse[1];
    example.CDCResponse[0].QueryResponse[1] = { Invoice: estimates.Estimate.slice(1), startPosition: 1, maxResults: 2, totalCount: 5 };
    expect(
      shapeProblems(example, wireBody(proxy.last((e) => e.url.includes('/cdc?'))), {
        exempt: ['$.CDCResponse[0].QueryResponse[1].totalCount'],
        exact: ['$.CDCResponse[0].QueryResponse[1].Invoice[1]', '$.CDCResponse[0].QueryResponse[1].Invoice[1].MetaData'],
      }),
    ).toEqual([]);

    const nothing = await c.cdc(['Customer'], new Date(Date.now() + 3_600_000));
    expect(nothing).toMatchObject({ objectCount: 0, changes: {} });
    expect(shapeProblems(wireExample('cdc-empty-response.json'), wireBody(proxy.last((e) => e.url.includes('/cdc?'))), { exact: ['$.CDCResponse[0].QueryResponse[0]'] })).toEqual([]);

    const sent = proxy.exchanges.length;
    await rejection(c.cdc(['Invoice'], new Date(Date.now() - 31 * 24 * 3_600_000)), QboClientUsageError);
    expect(proxy.exchanges.length).toBe(sent);
  });

  it('batch: per-item faults typed and in input order (§6), more than 30 items split into requests', async () => {
    const active = await newCustomer(company, 'Batch Shape');
    const inactive = await newCustomer(company, 'Batch Inactive');
    await company.deactivate('Customer', inactive, { idempotencyKey: key('customer-deactivate') });
    const doomed = await company.create('Invoice', { CustomerRef: { value: active.Id }, Line: [salesLine('3.00')] }, { idempotencyKey: key('invoice') });

    const results = await company.batch(
      [
        { key: 'dup', op: { operation: 'create', entity: 'Customer', body: { DisplayName: 'Batch Shape' } } },
        { key: 'inactive-ref', op: { operation: 'create', entity: 'Invoice', body: { CustomerRef: { value: inactive.Id }, Line: [salesLine('1.00')] } } },
        { key: 'stale', op: { operation: 'update', entity: 'Customer', body: { Id: active.Id, SyncToken: '9', Notes: 'x' } } },
        { key: 'query', op: { operation: 'query', query: qboQuery('Invoice').where('Id', '=', doomed.Id) } },
        { key: 'created', op: { operation: 'create', entity: 'Customer', body: { DisplayName: 'Batch Created' } } },
        { key: 'deleted', op: { operation: 'delete', entity: 'Invoice', body: { Id: doomed.Id, SyncToken: doomed.SyncToken } } },
      ],
      { idempotencyKey: key('batch') },
    );
    expect(results.map((r) => [r.key, r.ok])).toEqual([
      ['dup', false],
      ['inactive-ref', false],
      ['stale', false],
      ['query', true],
      ['created', true],
      ['deleted', true],
    ]);
    const error = (r: BatchItemResult) => (r.ok ? undefined : r.error);
    const value = (r: BatchItemResult): unknown => (r.ok ? r.value : undefined);
    expect(error(results[0])).toBeInstanceOf(QboDuplicateNameError);
    expect(error(results[1])).toBeInstanceOf(QboInvalidReferenceError);
    expect(error(results[1])?.code).toBe('610');
    expect(error(results[2])).toBeInstanceOf(QboStaleObjectError);
    expect((value(results[3]) as Invoice[]).map((i) => i.Id)).toEqual([doomed.Id]);
    expect((value(results[4]) as Customer).DisplayName).toBe('Batch Created');
    expect(value(results[5])).toMatchObject({ Id: doomed.Id, status: 'Deleted' });

    const example = wireExample('batch-response.json');
    // SalesReceipt and Vendor are not modelled: the same slots carry Invoice and Customer.
    example.BatchItemResponse[3].QueryResponse = { Invoice: example.BatchItemResponse[3].QueryResponse.SalesReceipt, startPosition: 1, maxResults: 1 };
    example.BatchItemResponse[4] = { bId: 'bid5', Customer: example.BatchItemResponse[4].Vendor };
    expect(shapeProblems(example, wireBody(lastPost('/batch?')), { exact: ['$.BatchItemResponse[0].Fault', '$.BatchItemResponse[0].Fault.Error[0]'] })).toEqual([]);

    const before = exchangesFor((e) => e.url.includes('/batch?')).length;
    const many = await company.batch(
      Array.from({ length: 35 }, (_, i) => ({ key: `c${i}`, op: { operation: 'create' as const, entity: 'Customer' as const, body: { DisplayName: `Batch Many ${i}` } } })),
      { idempotencyKey: key('batch') },
    );
    const calls = exchangesFor((e) => e.url.includes('/batch?')).slice(before);
    expect(calls.map((e) => (JSON.parse(e.requestBody) as { BatchItemRequest: unknown[] }).BatchItemRequest.length)).toEqual([30, 5]);
    expect(many.every((r) => r.ok)).toBe(true);
    expect(many.map((r) => (value(r) as Customer | undefined)?.DisplayName)).toEqual(Array.from({ length: 35 }, (_, i) => `Batch Many ${i}`));
  });

  it('AgedReceivables and AgedReceivableDetail, parsed by the client, tie out to the entities without summing group rows', async () => {
    const c = await connectedRealm();
    const reportDate = '2026-06-30';
    const alpha = await newCustomer(c, 'Aging Alpha');
    const beta = await newCustomer(c, 'Aging Beta');
    const gamma = await newCustomer(c, 'Aging Gamma');
    const inv = (customer: Customer, amount: string, txnDate: string, dueDate: string) =>
      c.create('Invoice', { CustomerRef: { value: customer.Id }, TxnDate: txnDate, DueDate: dueDate, Line: [salesLine(amount)] }, { idempotencyKey: key('invoice') });
    const pay = (customer: Customer, total: string, txnDate: string, lines: Array<[Invoice, string]>) =>
      c.create(
        'Payment',
        { CustomerRef: { value: customer.Id }, TotalAmt: total, TxnDate: txnDate, Line: lines.map(([i, amount]) => ({ Amount: amount, LinkedTxn: [{ TxnId: i.Id, TxnType: 'Invoice' }] })) },
        { idempotencyKey: key('payment') },
      );
    await inv(alpha, '100.00', '2026-06-01', '2026-06-30'); // current
    await inv(alpha, '250.50', '2026-05-11', '2026-06-10'); // 20 days: 1 - 30
    const a3 = await inv(alpha, '1000.00', '2026-03-02', '2026-04-01'); // 90 days: 61 - 90
    await pay(alpha, '400.00', '2026-06-15', [[a3, '400.00']]); // partly paid: 600.00 open
    await c.create('CreditMemo', { CustomerRef: { value: alpha.Id }, TxnDate: '2026-06-01', Line: [salesLine('20.00')] }, { idempotencyKey: key('credit-memo') });
    await inv(beta, '75.25', '2026-04-15', '2026-05-15'); // 46 days: 31 - 60
    await inv(beta, '500.00', '2026-01-02', '2026-02-01'); // 149 days: 91 and over
    const b3 = await inv(beta, '40.00', '2026-06-01', '2026-06-25');
    await pay(beta, '40.00', '2026-06-20', [[b3, '40.00']]); // fully paid: not in the report
    await pay(beta, '30.00', '2026-06-20', []); // unapplied: a credit of 30.00
    await inv(gamma, '999.99', '2026-07-10', '2026-08-09'); // after the report date: not in it

    const summary = await c.agedReceivables({ reportDate });
    const detail = await c.agedReceivableDetail({ reportDate, columns: ['tx_date', 'txn_type', 'doc_num', 'cust_name', 'due_date', 'subt_amount', 'subt_open_bal'] });

    // Expected from the entities (read through the client), as of the report date.
    const invoices = (await c.queryAll(qboQuery('Invoice'))).filter((i) => (i.TxnDate ?? '') <= reportDate);
    const memos = (await c.queryAll(qboQuery('CreditMemo'))).filter((m) => (m.TxnDate ?? '') <= reportDate);
    const payments = (await c.queryAll(qboQuery('Payment'))).filter((p) => (p.TxnDate ?? '') <= reportDate);
    const days = (from: string) => Math.round((Date.parse(reportDate) - Date.parse(from)) / 86_400_000);
    const bucketOf = (d: number) => (d <= 0 ? 0 : Math.min(Math.ceil(d / 30), 4));
    // Credits (memos, unapplied payments) have no due date: they age from their own date, as the sandbox documents.
    const open: Array<{ ref: string; customerId: string; amount: Decimal; bucket: number }> = [
      ...invoices.map((i: Invoice) => ({ ref: `Invoice:${i.Id}`, customerId: i.CustomerRef.value, amount: new D(i.Balance ?? '0'), bucket: bucketOf(days(i.DueDate ?? '')) })),
      ...memos.map((m: CreditMemo) => ({ ref: `Credit Memo:${m.Id}`, customerId: m.CustomerRef.value, amount: new D(m.RemainingCredit ?? '0').neg(), bucket: bucketOf(days(m.TxnDate ?? '')) })),
      ...payments.map((p: Payment) => ({ ref: `Payment:${p.Id}`, customerId: p.CustomerRef.value, amount: new D(p.UnappliedAmt ?? '0').neg(), bucket: bucketOf(days(p.TxnDate ?? '')) })),
    ].filter((x) => !x.amount.isZero());
    expect(open).toHaveLength(7);
    const expectedTotal = open.reduce((a, x) => a.plus(x.amount), new D(0));
    expect(expectedTotal.toFixed(2)).toBe('1475.75'); // 100 + 250.50 + 600 − 20 + 75.25 + 500 − 30

    // Summary: one row per customer, bucket by bucket; totals from the report's own GrandTotal row.
    expect(summary.bucketTitles).toEqual(['Current', '1 - 30', '31 - 60', '61 - 90', '91 and over']);
    expect(summary.tieOut).toMatchObject({ tiesOut: true, difference: '0' });
    expect(sameAmount(summary.grandTotal?.total, expectedTotal.toFixed())).toBe(true);
    expect(summary.rows.map((r) => r.customerId).sort()).toEqual([alpha.Id, beta.Id].sort());
    for (const row of summary.rows) {
      const mine = open.filter((x) => x.customerId === row.customerId);
      const expectedBuckets = [0, 1, 2, 3, 4].map((b) => mine.filter((x) => x.bucket === b).reduce((a, x) => a.plus(x.amount), new D(0)));
      expect(row.buckets.map((b) => new D(b).toFixed(2))).toEqual(expectedBuckets.map((b) => b.toFixed(2)));
      expect(sameAmount(row.total, sum(row.buckets).toFixed())).toBe(true);
      // Nothing after the report date for these two: the aging equals QuickBooks' own open balance.
      expect(sameAmount(row.total, (await c.read('Customer', row.customerId ?? '')).Balance ?? '')).toBe(true);
    }

    // Detail: one row per open transaction, each matching its entity; bucket totals as printed, never recomputed.
    expect(detail.tieOut).toMatchObject({ tiesOut: true, difference: '0' });
    expect(sameAmount(detail.grandTotal, expectedTotal.toFixed())).toBe(true);
    const refOf = (r: { txnType?: string; txnId?: string }) => `${r.txnType}:${r.txnId}`;
    expect(detail.rows.map(refOf).sort()).toEqual(open.map((x) => x.ref).sort());
    const sectionIndex = (label: string) => {
      if (label === 'Current') return 0;
      const range = /^(\d+) - (\d+) days past due$/.exec(label);
      if (range) return summary.bucketTitles.indexOf(`${range[1]} - ${range[2]}`);
      const over = /^(\d+) or more days past due$/.exec(label);
      return over ? summary.bucketTitles.indexOf(`${over[1]} and over`) : -1;
    };
    for (const row of detail.rows) {
      const entity = open.find((x) => x.ref === refOf(row) && x.customerId === row.customerId);
      expect(entity).toBeDefined();
      expect(sameAmount(row.openBalance, entity?.amount.toFixed() ?? '')).toBe(true);
      expect(sectionIndex(row.bucket)).toBe(entity?.bucket);
    }
    expect(detail.bucketTotals.map((b) => b.bucket)).toEqual(['Current', '1 - 30 days past due', '31 - 60 days past due', '61 - 90 days past due', '91 or more days past due']);
    for (const bucket of detail.bucketTotals) {
      const index = sectionIndex(bucket.bucket);
      expect(sameAmount(bucket.total, sum(summary.rows.map((r) => r.buckets[index])).toFixed())).toBe(true);
      expect(sameAmount(bucket.total, sum(summary.grandTotal?.buckets.slice(index, index + 1) ?? []).toFixed())).toBe(true);
    }
    for (const customer of detail.byCustomer) {
      const row = summary.rows.find((r) => r.customerId === customer.customerId);
      expect(sameAmount(customer.total, row?.total ?? '')).toBe(true);
    }

    // Shapes of §9.2, for one customer (the summary example has one customer row and the grand total).
    const one = await c.agedReceivables({ reportDate, customerIds: [alpha.Id] });
    expect(one.rows).toHaveLength(1);
    const summaryWire = wireBody(proxy.last((e) => e.url.includes('/reports/AgedReceivables?')));
    // DateMacro and StartPeriod come with a date_macro parameter, which the client does not send.
    expect(shapeProblems(wireExample('aged-receivables-report.json'), summaryWire, { exempt: ['$.Header.DateMacro', '$.Header.StartPeriod'], exact: ['$.Rows.Row[0]', '$.Rows.Row[1]', '$.Columns.Column[0]'] })).toEqual([]);
    await c.agedReceivableDetail({ reportDate, columns: ['cust_name', 'due_date'] });
    expect(shapeProblems(wireExample('aged-receivable-detail-report.json'), wireBody(proxy.last((e) => e.url.includes('/reports/AgedReceivableDetail?'))))).toEqual([]);
  });

  it('preferences and BookCloseDate: writes on or before the close date fail with 6210, after it they pass', async () => {
    const c = await connectedRealm();
    expect(await c.bookCloseDate()).toBeUndefined();
    const customer = await newCustomer(c, 'Closed Books Co');
    const early = await c.create('Invoice', { CustomerRef: { value: customer.Id }, TxnDate: '2026-03-15', Line: [salesLine('10.00')] }, { idempotencyKey: key('invoice') });
    await sandbox.control('PUT', `realms/${c.realmId}/book-close-date`, { date: '2026-03-31' });

    expect(await c.bookCloseDate()).toBe('2026-03-31');
    const preferences = await c.preferences();
    expect(preferences.AccountingInfoPrefs?.BookCloseDate).toBe('2026-03-31');
    expect(typeof preferences.SyncToken).toBe('string');

    const closed = await rejection(
      c.create('Invoice', { CustomerRef: { value: customer.Id }, TxnDate: '2026-03-31', Line: [salesLine('10.00')] }, { idempotencyKey: key('invoice') }),
      QboClosedPeriodError,
      '6210',
    );
    expect(closed).toMatchObject({ kind: 'permanent', httpStatus: 400 });
    await rejection(c.void('Invoice', early, { idempotencyKey: key('invoice-void') }), QboClosedPeriodError, '6210');
    await rejection(c.update('Invoice', { Id: early.Id, SyncToken: early.SyncToken, PrivateNote: 'x' }, { idempotencyKey: key('invoice-update') }), QboClosedPeriodError, '6210');
    const open = await c.create('Invoice', { CustomerRef: { value: customer.Id }, TxnDate: '2026-04-01', Line: [salesLine('10.00')] }, { idempotencyKey: key('invoice') });
    expect(open.TxnDate).toBe('2026-04-01');

    await sandbox.control('PUT', `realms/${c.realmId}/book-close-date`, { date: null });
    expect(await c.bookCloseDate()).toBeUndefined();
    expect((await c.void('Invoice', early, { idempotencyKey: key('invoice-void') })).PrivateNote).toMatch(/^Voided/);
  });

  it('the throttle fault (429/3001) and the lower-case 401 (§7) as the client meets them: retried, refreshed, carried on', async () => {
    const c = await connectedRealm();
    await sandbox.addFault(c.realmId, { kind: 'throttle', count: 1, pathContains: '/preferences' });
    const before = proxy.exchanges.length;
    await c.preferences();
    const statuses = proxy.exchanges.slice(before).map((e) => e.status);
    expect(statuses).toEqual([429, 200]);
    expect(shapeProblems(wireExample('fault-throttle-429.json'), wireBody(proxy.exchanges[before]), { exact: ['$', '$.Fault', '$.Fault.Error[0]'] })).toEqual([]);

    await sandbox.control('POST', 'tokens/expire', { realmId: c.realmId });
    const mark = proxy.exchanges.length;
    expect((await c.companyInfo()).Id).toBeDefined();
    const calls = proxy.exchanges.slice(mark);
    expect(calls.map((e) => e.status)).toEqual([401, 200]);
    expect(shapeProblems(wireExample('fault-authentication-401.json'), wireBody(calls[0]), { exact: ['$', '$.fault', '$.fault.error[0]'] })).toEqual([]);
    expect(calls[0].headers['www-authenticate']).toContain('invalid_token');
  });
});

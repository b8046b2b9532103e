import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { type FakeHandler, type FakeServer, faultFixture, fixtureText, type RecordedRequest, sendJson, startFakeServer } from './__fixtures__/fake-http-server';
import { QboClient, type QboClientOptions } from './qbo-client';
import {
  QboAuthenticationError,
  QboClientUsageError,
  QboDuplicateNameError,
  QboInvalidReferenceError,
  QboNetworkError,
  QboRateLimitedError,
  QboServerError,
  QboStaleObjectError,
  QboTimeoutError,
  QboUncertainWriteError,
} from './qbo-errors';
import { qboQuery } from './query-builder';
import { type BudgetDecision, type BudgetRequest, InMemoryRealmBudget } from './realm-budget';
import { RealmRateLimiter } from './realm-rate-limiter';
import { deriveRequestId } from './request-id';
import type { AccessTokenProvider } from './token-manager';

const REALM = '4620816365';

/** The in-memory budget, recording what the client asks of it (a stand-in for the PostgreSQL one replicas share). */
class RecordingBudget extends InMemoryRealmBudget {
  readonly asked: BudgetRequest[] = [];
  readonly pauses: Array<[string, number]> = [];
  override tryAcquire(realmId: string, request: BudgetRequest = {}): Promise<BudgetDecision> {
    this.asked.push(request);
    return super.tryAcquire(realmId, request);
  }
  override pause(realmId: string, ms: number): Promise<void> {
    this.pauses.push([realmId, ms]);
    return super.pause(realmId, ms);
  }
}

class FakeTokens implements AccessTokenProvider {
  current = 'at-1';
  refreshes = 0;
  async getAccessToken(): Promise<string> {
    return this.current;
  }
  async refreshAfterUnauthorized(_realmId: string, rejected: string): Promise<string> {
    this.refreshes++;
    if (rejected === this.current) this.current = `at-${this.refreshes + 1}`;
    return this.current;
  }
}

/** A QuickBooks stand-in for one test: `route` answers, everything is recorded. */
describe(QboClient.name, () => {
  let server: FakeServer;
  let route: FakeHandler;
  let tokens: FakeTokens;
  let sut: QboClient;

  const client = (options: Partial<QboClientOptions> = {}) =>
    new QboClient({
      apiBaseUrl: server.url,
      tokens,
      retry: { baseDelayMs: 1, rateLimitedBaseDelayMs: 1, maxAttempts: 3 },
      random: () => 0.5,
      ...options,
    });
  const company = () => sut.company(REALM);
  const paths = () => server.requests.map((r) => `${r.method} ${r.url.pathname}`);

  beforeEach(async () => {
    route = (_req, res) => sendJson(res, 404, '{}');
    server = await startFakeServer((req, res, raw) => route(req, res, raw));
    tokens = new FakeTokens();
    sut = client();
  });

  afterEach(async () => {
    await sut.close();
    await server.close();
  });

  describe('writes', () => {
    it('creates with minorversion, a derived requestid, bearer token and exact money text', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('invoice-create-response.json'));

      const invoice = await company().create(
        'Invoice',
        {
          CustomerRef: { value: '1' },
          Line: [{ DetailType: 'SalesItemLineDetail', Amount: '12345678901234.56', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: '1', UnitPrice: '12345678901234.56' } }],
        },
        { idempotencyKey: 'invoice:src-1:v3' },
      );

      const req = server.requests[0];
      expect(req.method).toBe('POST');
      expect(req.url.pathname).toBe(`/v3/company/${REALM}/invoice`);
      expect(req.url.searchParams.get('minorversion')).toBe('75');
      expect(req.url.searchParams.get('requestid')).toBe(deriveRequestId('create', 'Invoice', 'invoice:src-1:v3'));
      expect(req.headers.authorization).toBe('Bearer at-1');
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.body).toContain('"Amount":12345678901234.56');
      expect(req.body).toContain('"UnitPrice":12345678901234.56}');
      expect(invoice).toMatchObject({ Id: '238', SyncToken: '0', TotalAmt: '100.0', Balance: '100.0', DocNumber: '1069' });
    });

    it('sends the same requestid for a retried logical write, so QuickBooks can replay it', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('invoice-create-response.json'));
      const body = { CustomerRef: { value: '1' }, Line: [] };

      await company().create('Invoice', body, { idempotencyKey: 'invoice:src-1:v3' });
      await company().create('Invoice', body, { idempotencyKey: 'invoice:src-1:v3' });
      await company().create('Invoice', body, { idempotencyKey: 'invoice:src-1:v4' });

      const ids = server.requests.map((r) => r.url.searchParams.get('requestid'));
      expect(ids[0]).toBe(ids[1]);
      expect(ids[2]).not.toBe(ids[0]);
    });

    it('passes include=allowduplicatedocnum when asked', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('invoice-create-response.json'));

      await company().create('Invoice', { CustomerRef: { value: '1' }, Line: [] }, { idempotencyKey: 'k', allowDuplicateDocNumber: true });

      expect(server.requests[0].url.searchParams.get('include')).toBe('allowduplicatedocnum');
    });

    it('sends sparse updates with operation=update', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('invoice-create-response.json'));

      await company().update('Invoice', { Id: '238', SyncToken: '0', DueDate: '2015-09-30' }, { idempotencyKey: 'invoice:238:due' });

      expect(server.requests[0].url.searchParams.get('operation')).toBe('update');
      expect(JSON.parse(server.requests[0].body)).toEqual({ Id: '238', SyncToken: '0', DueDate: '2015-09-30', sparse: true });
    });

    it('voids an invoice with operation=void and a payment with a sparse include=void update', async () => {
      route = (req, res) =>
        sendJson(res, 200, req.url.pathname.endsWith('/payment') ? fixtureText('payment-create-response.json') : fixtureText('invoice-create-response.json'));

      await company().void('Invoice', { Id: '238', SyncToken: '1' }, { idempotencyKey: 'void-inv' });
      const payment = await company().void('Payment', { Id: '125', SyncToken: '0' }, { idempotencyKey: 'void-pay' });

      const [inv, pay] = server.requests;
      expect(inv.url.searchParams.get('operation')).toBe('void');
      expect(JSON.parse(inv.body)).toEqual({ Id: '238', SyncToken: '1' });
      expect(pay.url.pathname).toBe(`/v3/company/${REALM}/payment`);
      expect(pay.url.searchParams.get('operation')).toBe('update');
      expect(pay.url.searchParams.get('include')).toBe('void');
      expect(JSON.parse(pay.body)).toEqual({ Id: '125', SyncToken: '0', sparse: true });
      expect(payment.TotalAmt).toBe('25');
    });

    it('deletes transactions and deactivates name-list objects', async () => {
      route = (req, res) =>
        sendJson(res, 200, req.url.pathname.endsWith('/invoice') ? fixtureText('invoice-delete-response.json') : '{"Customer":{"Id":"5","SyncToken":"3","DisplayName":"x","Active":false}}');

      const deleted = await company().delete('Invoice', { Id: '33', SyncToken: '2' }, { idempotencyKey: 'del' });
      const customer = await company().deactivate('Customer', { Id: '5', SyncToken: '2' }, { idempotencyKey: 'deact' });

      expect(deleted).toEqual({ status: 'Deleted', domain: 'QBO', Id: '33' });
      expect(server.requests[0].url.searchParams.get('operation')).toBe('delete');
      expect(JSON.parse(server.requests[1].body)).toEqual({ Id: '5', SyncToken: '2', Active: false, sparse: true });
      expect(customer.Active).toBe(false);
    });

    it('refuses money as a JS number before sending anything', async () => {
      const body = { CustomerRef: { value: '1' }, TotalAmt: 25 } as unknown as { CustomerRef: { value: string }; TotalAmt: string };

      await expect(company().create('Payment', body, { idempotencyKey: 'k' })).rejects.toThrow(/decimal string/);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('reads', () => {
    it('reads an object and keeps decimals as strings, counts as numbers', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('term-read-response.json'));

      const term = await company().read('Term', '4');

      expect(paths()).toEqual([`GET /v3/company/${REALM}/term/4`]);
      expect(term).toMatchObject({ Id: '4', DueDays: 60, DiscountPercent: '0', Active: true });
    });

    it('reads preferences, the book close date and company info', async () => {
      route = (req, res) => sendJson(res, 200, fixtureText(req.url.pathname.endsWith('/preferences') ? 'preferences-response.json' : 'companyinfo-response.json'));

      expect(await company().bookCloseDate()).toBe('2015-12-31');
      expect((await company().companyInfo()).CompanyName).toBe('Sandbox Company_US_1');
      expect(paths()).toEqual([`GET /v3/company/${REALM}/preferences`, `GET /v3/company/${REALM}/companyinfo/${REALM}`]);
    });
  });

  describe('errors and retries', () => {
    it('never retries a permanent error', async () => {
      route = (_req, res) => {
        const f = faultFixture('duplicateName6240');
        sendJson(res, f.status, f.body);
      };

      const error = await company().create('Customer', { DisplayName: 'Amy' }, { idempotencyKey: 'c' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(QboDuplicateNameError);
      expect((error as QboDuplicateNameError).intuitTid).toBe('tid-test-1');
      expect(server.requests).toHaveLength(1);
    });

    it.each([
      ['staleObject5010', QboStaleObjectError],
      ['objectNotFound610', QboInvalidReferenceError],
    ])('surfaces %s as its own type', async (fixture, type) => {
      route = (_req, res) => {
        const f = faultFixture(fixture);
        sendJson(res, f.status, f.body);
      };

      await expect(company().read('Invoice', '1')).rejects.toBeInstanceOf(type);
    });

    it('retries a transient error with the same requestid and succeeds', async () => {
      let n = 0;
      route = (_req, res) => (n++ === 0 ? sendJson(res, 503, '') : sendJson(res, 200, fixtureText('invoice-create-response.json')));

      await company().create('Invoice', { CustomerRef: { value: '1' }, Line: [] }, { idempotencyKey: 'k' });

      expect(server.requests).toHaveLength(2);
      expect(server.requests[0].url.searchParams.get('requestid')).toBe(server.requests[1].url.searchParams.get('requestid'));
    });

    it('stops after maxAttempts', async () => {
      route = (_req, res) => {
        const f = faultFixture('systemFault10000');
        sendJson(res, f.status, f.body);
      };

      await expect(company().read('Invoice', '1')).rejects.toBeInstanceOf(QboServerError);
      expect(server.requests).toHaveLength(3);
    });

    it('honours Retry-After on 429', async () => {
      let n = 0;
      const at: number[] = [];
      route = (_req, res) => {
        at.push(Date.now());
        if (n++ > 0) return sendJson(res, 200, fixtureText('term-read-response.json'));
        const f = faultFixture('throttled3001');
        sendJson(res, f.status, f.body, { 'retry-after': '0.2' });
      };

      await company().read('Term', '4');

      expect(server.requests).toHaveLength(2);
      expect(at[1] - at[0]).toBeGreaterThanOrEqual(195);
    });

    it('pauses the realm in the shared budget for exactly the Retry-After, even when the caller gives up', async () => {
      route = (_req, res) => {
        const f = faultFixture('throttled3001');
        sendJson(res, f.status, f.body, { 'retry-after': '7' });
      };
      const budget = new RecordingBudget();
      const limiter = new RealmRateLimiter({ budget });
      const throttled = client({ limiter, retry: { maxAttempts: 1 } });

      await expect(throttled.company(REALM).read('Term', '4')).rejects.toBeInstanceOf(QboRateLimitedError);
      expect(budget.pauses).toEqual([[REALM, 7000]]);
      expect(await budget.tryAcquire(REALM)).toMatchObject({ granted: false, reason: 'pause' });
      limiter.close();
      await throttled.close();
    });

    it('gives up on a throttled realm with a transient error after the bounded attempts', async () => {
      route = (_req, res) => {
        const f = faultFixture('throttled3001');
        sendJson(res, f.status, f.body);
      };

      const error = await company().read('Term', '4').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QboRateLimitedError);
      expect((error as QboRateLimitedError).transient).toBe(true);
      expect(server.requests).toHaveLength(3);
    });

    it('refreshes the token once on 401/3200 and resends', async () => {
      route = (req, res) => {
        if (req.headers.authorization === 'Bearer at-1') {
          const f = faultFixture('tokenExpired3200');
          return sendJson(res, f.status, f.body, { 'www-authenticate': 'Bearer realm="Intuit", error="invalid_token"' });
        }
        sendJson(res, 200, fixtureText('term-read-response.json'));
      };

      await company().read('Term', '4');

      expect(tokens.refreshes).toBe(1);
      expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-2']);
    });

    it('does not loop on a token QuickBooks keeps refusing', async () => {
      route = (_req, res) => {
        const f = faultFixture('tokenExpired3200');
        sendJson(res, f.status, f.body);
      };

      await expect(company().read('Term', '4')).rejects.toBeInstanceOf(QboAuthenticationError);
      expect(tokens.refreshes).toBe(1);
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('lost answers', () => {
    /** Reads the whole request, then drops the connection without answering. */
    const hangUp: FakeHandler = (_req, res) => {
      res.socket?.destroy();
    };

    it('raises QboUncertainWriteError when a write was sent but the socket closed, and does not resend it', async () => {
      route = hangUp;

      const error = await company().create('Invoice', { CustomerRef: { value: '1' }, Line: [] }, { idempotencyKey: 'invoice:src-9:v1' }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(QboUncertainWriteError);
      expect((error as QboUncertainWriteError).requestId).toBe(deriveRequestId('create', 'Invoice', 'invoice:src-9:v1'));
      expect((error as QboUncertainWriteError).realmId).toBe(REALM);
      expect(server.requests).toHaveLength(1);
    });

    it('raises QboUncertainWriteError when a write times out after sending', async () => {
      await sut.close();
      sut = client({ http: { headersTimeoutMs: 150 } });
      route = () => undefined; // never answers

      await expect(company().update('Invoice', { Id: '1', SyncToken: '0', DueDate: '2026-01-01' }, { idempotencyKey: 'u' })).rejects.toBeInstanceOf(QboUncertainWriteError);
      expect(server.requests).toHaveLength(1);
    });

    it('retries a read whose connection dropped', async () => {
      let n = 0;
      route = (req, res, raw) => (n++ === 0 ? hangUp(req, res, raw) : sendJson(res, 200, fixtureText('term-read-response.json')));

      expect((await company().read('Term', '4')).Name).toBe('Net 60');
      expect(server.requests).toHaveLength(2);
    });

    it('retries a read that timed out, then reports a transient timeout', async () => {
      await sut.close();
      sut = client({ http: { headersTimeoutMs: 100 }, retry: { maxAttempts: 2, baseDelayMs: 1 } });
      route = () => undefined;

      await expect(company().read('Term', '4')).rejects.toBeInstanceOf(QboTimeoutError);
      expect(server.requests).toHaveLength(2);
    });

    it('treats a refused connection as not sent: transient even for a write', async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => {
          const { port } = s.address() as { port: number };
          s.close(() => resolve(port));
        });
      });
      await sut.close();
      sut = new QboClient({ apiBaseUrl: `http://127.0.0.1:${closedPort}`, tokens, retry: { maxAttempts: 2, baseDelayMs: 1 } });

      const error = await company().create('Customer', { DisplayName: 'x' }, { idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QboNetworkError);
      expect((error as QboNetworkError).transient).toBe(true);
    });

    it('treats an unreadable 2xx answer to a write as uncertain', async () => {
      route = (_req, res) => sendJson(res, 200, '{"Invoice":');

      await expect(company().create('Invoice', { CustomerRef: { value: '1' }, Line: [] }, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(QboUncertainWriteError);
    });
  });

  describe('queries', () => {
    /** Serves `total` customers, honouring STARTPOSITION/MAXRESULTS of the statement. */
    const customers = (total: number) => (req: RecordedRequest, res: ServerResponse) => {
      const statement = req.method === 'GET' ? (req.url.searchParams.get('query') ?? '') : req.body;
      const start = Number(/STARTPOSITION (\d+)/.exec(statement)?.[1] ?? 1);
      const max = Number(/MAXRESULTS (\d+)/.exec(statement)?.[1] ?? 100);
      const rows = Array.from({ length: Math.max(0, Math.min(max, total - start + 1)) }, (_, i) => `{"Id":"${start + i}","SyncToken":"0","DisplayName":"C${start + i}","Balance":${start + i}.10}`);
      sendJson(res, 200, `{"QueryResponse":{${rows.length ? `"Customer":[${rows.join(',')}],` : ''}"startPosition":${start},"maxResults":${rows.length}},"time":"2026-11-22T10:00:00-08:00"}`);
    };

    it('pages past 1000 with STARTPOSITION/MAXRESULTS, ordered by Id', async () => {
      route = customers(2345);

      const rows = await company().queryAll(qboQuery('Customer').where('Active', 'IN', [true, false]));

      expect(rows).toHaveLength(2345);
      expect(rows[2344]).toMatchObject({ Id: '2345', Balance: '2345.10' });
      expect(server.requests.map((r) => r.url.searchParams.get('query'))).toEqual([
        'SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY Id ASC STARTPOSITION 1 MAXRESULTS 1000',
        'SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY Id ASC STARTPOSITION 1001 MAXRESULTS 1000',
        'SELECT * FROM Customer WHERE Active IN (true, false) ORDERBY Id ASC STARTPOSITION 2001 MAXRESULTS 1000',
      ]);
    });

    it('stops after an exactly full last page with one empty request', async () => {
      route = customers(2000);

      expect(await company().queryAll(qboQuery('Customer'))).toHaveLength(2000);
      expect(server.requests).toHaveLength(3);
    });

    it('returns no rows for an empty answer', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('query-empty-response.json'));

      expect(await company().queryAll(qboQuery('Invoice'))).toEqual([]);
    });

    it('counts', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('query-count-response.json'));

      expect(await company().count(qboQuery('Invoice'))).toBe(412);
      expect(server.requests[0].url.searchParams.get('query')).toBe('SELECT COUNT(*) FROM Invoice');
    });

    it('sends a very long statement as a POST body', async () => {
      route = customers(3);
      const ids = Array.from({ length: 400 }, (_, i) => String(100000 + i));

      await company().query(qboQuery('Customer').where('Id', 'IN', ids));

      expect(server.requests[0].method).toBe('POST');
      expect(server.requests[0].url.pathname).toBe(`/v3/company/${REALM}/query`);
      expect(server.requests[0].headers['content-type']).toBe('application/text');
      expect(server.requests[0].body).toMatch(/^SELECT \* FROM Customer WHERE Id IN \('100000'/);
    });
  });

  describe('change data capture', () => {
    it('returns changed objects and tombstones per entity, money exact', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('cdc-response.json'));
      const since = new Date(Date.now() - 24 * 3600_000);

      const result = await company().cdc(['Customer', 'Invoice'], since);

      expect(server.requests[0].url.searchParams.get('entities')).toBe('Customer,Invoice');
      expect(server.requests[0].url.searchParams.get('changedSince')).toBe(since.toISOString());
      expect(result.changes.Customer?.changed.map((c) => c.Id)).toEqual(['63', '99']);
      expect(result.changes.Customer?.changed[0].Balance).toBe('1234.56');
      expect(result.changes.Invoice?.changed[0].TotalAmt).toBe('12345678901234.56');
      expect(result.changes.Invoice?.deleted).toEqual([{ domain: 'QBO', status: 'Deleted', Id: '979', MetaData: { LastUpdatedTime: '2015-12-23T12:55:50-08:00' } }]);
      expect(result.objectCount).toBe(5);
      expect(result.possiblyTruncated).toBe(false);
      expect(result.time).toBe('2015-12-23T10:00:01-07:00');
    });

    it('refuses a look-back over 30 days without calling QuickBooks', async () => {
      await expect(company().cdc(['Invoice'], new Date(Date.now() - 31 * 24 * 3600_000))).rejects.toBeInstanceOf(QboClientUsageError);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('batch', () => {
    it('asks the rate budget for a batch slot sized by its items, and for a plain slot otherwise', async () => {
      route = (req, res) => {
        if (!req.url.pathname.endsWith('/batch')) return sendJson(res, 200, fixtureText('term-read-response.json'));
        const items = (JSON.parse(req.body) as { BatchItemRequest: Array<{ bId: string; Customer: { DisplayName: string } }> }).BatchItemRequest;
        sendJson(res, 200, JSON.stringify({ BatchItemResponse: items.map((i) => ({ bId: i.bId, Customer: { Id: i.bId, SyncToken: '0', DisplayName: i.Customer.DisplayName } })), time: 't' }));
      };
      const budget = new RecordingBudget();
      const limiter = new RealmRateLimiter({ budget });
      const batching = client({ limiter });
      const items = Array.from({ length: 35 }, (_, i) => ({ key: `c${i}`, op: { operation: 'create' as const, entity: 'Customer' as const, body: { DisplayName: `N${i}` } } }));

      await batching.company(REALM).batch(items, { idempotencyKey: 'customers:run-0' });
      await batching.company(REALM).read('Term', '4');

      expect(budget.asked).toEqual([{ batchItems: 30 }, { batchItems: 5 }, {}]);
      limiter.close();
      await batching.close();
    });

    it('splits into requests of at most 30 items and answers per item in input order', async () => {
      route = (req, res) => {
        const items = (JSON.parse(req.body) as { BatchItemRequest: Array<{ bId: string; Customer: { DisplayName: string } }> }).BatchItemRequest;
        const answers = items.map((i) =>
          i.Customer.DisplayName.endsWith('7')
            ? { bId: i.bId, Fault: { type: 'ValidationFault', Error: [{ Message: 'Duplicate Name Exists Error', code: '6240', Detail: '…' }] } }
            : { bId: i.bId, Customer: { Id: `id-${i.Customer.DisplayName}`, SyncToken: '0', DisplayName: i.Customer.DisplayName, Balance: 0.1 } },
        );
        sendJson(res, 200, JSON.stringify({ BatchItemResponse: answers.reverse(), time: 't' }));
      };
      const items = Array.from({ length: 65 }, (_, i) => ({ key: `customer:${i}`, op: { operation: 'create' as const, entity: 'Customer' as const, body: { DisplayName: `N${i}` } } }));

      const results = await company().batch(items, { idempotencyKey: 'customers:run-1' });

      const sizes = server.requests.map((r) => (JSON.parse(r.body) as { BatchItemRequest: unknown[] }).BatchItemRequest.length);
      expect(sizes).toEqual([30, 30, 5]);
      for (const r of server.requests) {
        expect(r.url.pathname).toBe(`/v3/company/${REALM}/batch`);
        expect(r.url.searchParams.get('requestid')?.length).toBeLessThanOrEqual(36);
        for (const item of (JSON.parse(r.body) as { BatchItemRequest: Array<{ bId: string }> }).BatchItemRequest) expect(item.bId.length).toBeLessThanOrEqual(10);
      }
      expect(new Set(server.requests.map((r) => r.url.searchParams.get('requestid'))).size).toBe(3);
      expect(results.map((r) => r.key)).toEqual(items.map((i) => i.key));
      const failed = results.filter((r) => !r.ok);
      expect(failed.map((r) => r.key)).toEqual(['customer:7', 'customer:17', 'customer:27', 'customer:37', 'customer:47', 'customer:57']);
      expect(failed.every((r) => !r.ok && r.error instanceof QboDuplicateNameError)).toBe(true);
      const first = results[0];
      expect(first.ok && first.operation === 'create' && first.value).toMatchObject({ Id: 'id-N0', Balance: '0.1' });
    });

    it('maps Intuit\'s sample batch answer item by item', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('batch-response.json'));
      const q = qboQuery('Invoice').where('TotalAmt', '>', '300.00');

      const results = await company().batch(
        [
          { key: 'a', op: { operation: 'create', entity: 'Customer', body: { DisplayName: 'dup' } } },
          { key: 'b', op: { operation: 'create', entity: 'Invoice', body: { CustomerRef: { value: 'gone' }, Line: [] } } },
          { key: 'c', op: { operation: 'update', entity: 'Invoice', body: { Id: '1', SyncToken: '0', DueDate: '2026-01-01' } } },
          { key: 'd', op: { operation: 'query', query: q } },
          { key: 'e', op: { operation: 'create', entity: 'Customer', body: { DisplayName: 'Vendor Co' } } },
        ],
        { idempotencyKey: 'mixed-1' },
      );

      expect(results.map((r) => (r.ok ? 'ok' : r.error.type))).toEqual(['duplicate_name', 'invalid_reference', 'stale_object', 'ok', 'ok']);
      const d = results[3];
      expect(d.ok && d.operation === 'query' && d.value).toEqual([{ Id: '11', SyncToken: '0', CustomerRef: { value: '1' }, Line: [], TotalAmt: '337.5' }]);
      const sent = JSON.parse(server.requests[0].body) as { BatchItemRequest: Array<Record<string, unknown>> };
      expect(sent.BatchItemRequest[2]).toEqual({ bId: 'b3', operation: 'update', Invoice: { Id: '1', SyncToken: '0', DueDate: '2026-01-01', sparse: true } });
      expect(sent.BatchItemRequest[3]).toEqual({ bId: 'b4', Query: "SELECT * FROM Invoice WHERE TotalAmt > '300.00' STARTPOSITION 1 MAXRESULTS 1000" });
    });

    it('marks a write item with no answer as uncertain', async () => {
      route = (_req, res) => sendJson(res, 200, '{"BatchItemResponse":[],"time":"t"}');

      const [result] = await company().batch([{ key: 'x', op: { operation: 'delete', entity: 'Invoice', body: { Id: '1', SyncToken: '0' } } }], { idempotencyKey: 'del-1' });

      expect(!result.ok && result.error).toBeInstanceOf(QboUncertainWriteError);
    });

    it('keeps committed chunks when a later chunk\'s answer is lost, and reports that chunk per item', async () => {
      let n = 0;
      route = (req, res) => {
        if (n++ === 1) return void res.socket?.destroy();
        const items = (JSON.parse(req.body) as { BatchItemRequest: Array<{ bId: string; Customer?: { DisplayName: string } }> }).BatchItemRequest;
        sendJson(res, 200, JSON.stringify({ BatchItemResponse: items.map((i) => ({ bId: i.bId, Customer: { Id: '1', SyncToken: '0', DisplayName: i.Customer?.DisplayName } })) }));
      };
      const items = [
        ...Array.from({ length: 3 }, (_, i) => ({ key: `c${i}`, op: { operation: 'create' as const, entity: 'Customer' as const, body: { DisplayName: `N${i}` } } })),
        { key: 'q', op: { operation: 'query' as const, query: qboQuery('Customer') } },
        { key: 'c3', op: { operation: 'create' as const, entity: 'Customer' as const, body: { DisplayName: 'N3' } } },
      ];

      const results = await company().batch(items, { idempotencyKey: 'run-2', maxItemsPerRequest: 2 });

      expect(results.map((r) => (r.ok ? 'ok' : r.error.type))).toEqual(['ok', 'ok', 'uncertain_write', 'server', 'ok']);
      expect(server.requests).toHaveLength(3);
    });

    it('does not send the remaining chunks once QuickBooks keeps throttling', async () => {
      route = (_req, res) => {
        const f = faultFixture('throttled3001');
        sendJson(res, f.status, f.body);
      };
      const items = Array.from({ length: 4 }, (_, i) => ({ key: `d${i}`, op: { operation: 'delete' as const, entity: 'Invoice' as const, body: { Id: `${i}`, SyncToken: '0' } } }));

      const results = await company().batch(items, { idempotencyKey: 'run-3', maxItemsPerRequest: 2 });

      expect(results.every((r) => !r.ok && r.error instanceof QboRateLimitedError)).toBe(true);
      expect(server.requests).toHaveLength(3); // the first chunk's bounded attempts only
    });

    it('refuses duplicate keys and oversize chunks', async () => {
      const item = { key: 'same', op: { operation: 'delete' as const, entity: 'Invoice' as const, body: { Id: '1', SyncToken: '0' } } };

      await expect(company().batch([item, item], { idempotencyKey: 'k' })).rejects.toBeInstanceOf(QboClientUsageError);
      await expect(company().batch([item], { idempotencyKey: 'k', maxItemsPerRequest: 31 })).rejects.toBeInstanceOf(QboClientUsageError);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('reports', () => {
    it('fetches AgedReceivables with aging parameters and parses it', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('aged-receivables-sub-customers.json'));

      const report = await company().agedReceivables({ reportDate: '2026-10-31', agingMethod: 'Report_Date', agingPeriodDays: 30, numPeriods: 4 });

      const q = server.requests[0].url.searchParams;
      expect(server.requests[0].url.pathname).toBe(`/v3/company/${REALM}/reports/AgedReceivables`);
      expect([q.get('report_date'), q.get('aging_method'), q.get('aging_period'), q.get('num_periods')]).toEqual(['2026-10-31', 'Report_Date', '30', '4']);
      expect(report.rows).toHaveLength(4);
      expect(report.tieOut.tiesOut).toBe(true);
    });

    it('fetches AgedReceivableDetail', async () => {
      route = (_req, res) => sendJson(res, 200, fixtureText('aged-receivable-detail.json'));

      const report = await company().agedReceivableDetail({ reportDate: '2015-06-30', columns: ['tx_date', 'subt_open_bal'] });

      expect(server.requests[0].url.searchParams.get('columns')).toBe('tx_date,subt_open_bal');
      expect(report.grandTotal).toBe('300.30');
    });

    it('refuses a malformed report date before sending', async () => {
      await expect(company().agedReceivables({ reportDate: '31/10/2026' })).rejects.toBeInstanceOf(QboClientUsageError);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('rate limiting', () => {
    it('keeps requests in flight per realm under the limit while other realms proceed', async () => {
      await sut.close();
      sut = client({ limits: { maxInFlight: 2, maxRequestsPerWindow: 500, windowMs: 60_000 } });
      let inFlight = new Map<string, number>();
      let peak = new Map<string, number>();
      route = async (req, res) => {
        const realm = req.url.pathname.split('/')[3];
        inFlight.set(realm, (inFlight.get(realm) ?? 0) + 1);
        peak.set(realm, Math.max(peak.get(realm) ?? 0, inFlight.get(realm) ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight.set(realm, (inFlight.get(realm) ?? 0) - 1);
        sendJson(res, 200, fixtureText('term-read-response.json'));
      };

      await Promise.all([
        ...Array.from({ length: 8 }, () => sut.company('111').read('Term', '4')),
        ...Array.from({ length: 8 }, () => sut.company('222').read('Term', '4')),
      ]);

      expect(peak).toEqual(new Map([['111', 2], ['222', 2]]));
      inFlight = new Map();
      peak = new Map();
    });
  });
});

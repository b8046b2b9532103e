import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import {
  type Customer,
  type Invoice,
  type Payment,
  PgRealmBudget,
  PgTokenStore,
  QboAuthRevokedError,
  QboClient,
  QboClientUsageError,
  type QboCompany,
  QboError,
  QboRateLimitedError,
  QboTokenManager,
  QboUncertainWriteError,
  qboQuery,
  RealmRateLimiter,
  type SalesLine,
  TokenCipher,
} from '@arbiter/qbo-client';
import Decimal from 'decimal.js';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { CountingOAuthGateway, recordUnhandledRejections, SandboxProcess, storeMintedConnection } from './qbo-client-harness';

/**
 * The client under faults, against the QuickBooks sandbox running as its own process with its real limits
 * (500 requests/min, 10 in flight per realm): 429 bursts, 5xx rates, answers dropped after a committed
 * write, access tokens expiring mid-run, many callers meeting one expired token (in one process and across
 * two "replicas" sharing PgTokenStore), a dead grant, and a real OAuth connect with intuit-oauth. Every
 * scenario ends by counting documents in the sandbox itself: none lost, none twice, and no promise left
 * rejected without a handler.
 */

const D = Decimal.clone({ precision: 40 });

const salesLine = (amount: string): SalesLine => ({ DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: '1' } } });

/** Runs `fn` over `items` with at most `width` at a time; results in input order. */
async function inParallel<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/**
 * What a consumer does with one logical write: a transient failure is redelivered with the same key; an
 * uncertain one is first confirmed by reading back, then sent again with the same key, so QuickBooks
 * replays its original answer instead of writing twice. Returns the document and what happened on the way.
 */
async function deliver<T extends { Id: string }>(write: () => Promise<T>, readBack: () => Promise<T | undefined>, maxDeliveries = 8): Promise<{ value: T; seen: string[]; confirmedBeforeResend?: string }> {
  const seen: string[] = [];
  let confirmedBeforeResend: string | undefined;
  for (let delivery = 1; ; delivery++) {
    try {
      return { value: await write(), seen, confirmedBeforeResend };
    } catch (error) {
      if (!(error instanceof QboError) || delivery >= maxDeliveries) throw error;
      seen.push(error.type);
      if (error instanceof QboUncertainWriteError) confirmedBeforeResend ??= (await readBack())?.Id ?? 'absent';
      else if (!error.transient) throw error;
    }
  }
}

describe('QboClient under faults against the running QuickBooks sandbox', () => {
  let sandbox: SandboxProcess;
  let db: TestDatabase;
  let pool: Pool;
  let store: PgTokenStore;
  let unhandled: ReturnType<typeof recordUnhandledRejections>;
  const clients: QboClient[] = [];
  const limiters: RealmRateLimiter[] = [];

  /**
   * A client as a service builds it (QboTokenManager on the real intuit-oauth, PgTokenStore), with short
   * backoffs. `replica`: its rate budget lives in PostgreSQL, shared with every other replica (PgRealmBudget).
   */
  const newClient = (options: { replica?: boolean } = {}) => {
    const gateway = new CountingOAuthGateway(sandbox.oauthConfig());
    const tokens = new QboTokenManager({ oauth: sandbox.oauthConfig(), store, gateway });
    const limiter = options.replica ? new RealmRateLimiter({ budget: new PgRealmBudget({ pool, schema: 'arbiter_qbo' }) }) : undefined;
    if (limiter) limiters.push(limiter);
    const client = new QboClient({ apiBaseUrl: sandbox.url, tokens, limiter, retry: { baseDelayMs: 50, rateLimitedBaseDelayMs: 200 } });
    clients.push(client);
    return { client, gateway, tokens };
  };
  /** A new company with one customer, connected with sandbox-minted tokens stored in PostgreSQL. */
  const connectedRealm = async () => {
    const { realmId, created } = await sandbox.newRealm({ customers: 1 });
    await storeMintedConnection(store, await sandbox.mint(realmId));
    return { realmId, customerId: created.customers[0] };
  };
  const invoiceBody = (customerId: string, docNumber: string, amount = '10.00') => ({ CustomerRef: { value: customerId }, DocNumber: docNumber, Line: [salesLine(amount)] });
  const byDocNumber = (company: QboCompany, docNumber: string) => async () => (await company.query(qboQuery('Invoice').where('DocNumber', '=', docNumber))).rows[0];
  /** Invoices per DocNumber as the sandbox holds them (voided and deleted included): the ground truth. */
  const invoiceCounts = async (realmId: string) => {
    const counts = new Map<string, number>();
    for (const { object } of await sandbox.entities<Invoice>(realmId, 'invoice')) counts.set(object.DocNumber ?? '', (counts.get(object.DocNumber ?? '') ?? 0) + 1);
    return counts;
  };
  const expectExactlyOnce = async (realmId: string, docNumbers: string[]) => {
    const counts = await invoiceCounts(realmId);
    expect(docNumbers.filter((d) => counts.get(d) !== 1)).toEqual([]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(docNumbers.length);
  };

  beforeAll(async () => {
    unhandled = recordUnhandledRejections();
    sandbox = await SandboxProcess.start();
    db = await createTestDatabase('e2e_qbo_faults');
    pool = new Pool({ connectionString: db.url, max: 8 });
    store = new PgTokenStore({ pool, cipher: TokenCipher.fromBase64(randomBytes(32).toString('base64')), schema: 'arbiter_qbo' });
    await store.ensureSchema();
  });

  afterEach(async () => {
    // A rejection nobody handled surfaces a tick or two after its promise settles.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled.take()).toEqual([]);
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const limiter of limiters) limiter.close();
    await sandbox?.stop();
    // pool.end() resolves before its sockets are closed; the forced drop then terminates them (57P01), expectedly.
    pool?.on('error', () => undefined);
    await pool?.end();
    await db?.drop();
    unhandled?.stop();
  });

  it('429 bursts: the client backs off, pauses the realm and lands every write once; a burst longer than its retries is redelivered by the caller', async () => {
    const { client } = newClient();
    const { realmId, customerId } = await connectedRealm();
    const company = client.company(realmId);
    await sandbox.addFault(realmId, { kind: 'throttle', count: 6, method: 'POST', pathContains: '/invoice' });

    const docs = Array.from({ length: 12 }, (_, i) => `T429-${i}`);
    const created = await inParallel(docs, 12, (doc) => company.create('Invoice', invoiceBody(customerId, doc), { idempotencyKey: `invoice:${doc}:v1` }));
    expect(created.map((i) => i.DocNumber)).toEqual(docs);
    let stats = await sandbox.stats(realmId);
    expect(stats).toMatchObject({ injectedFaults: 6, throttled: 0 });
    expect(stats.writes['Invoice.Create']).toBe(12);

    // Four 429s in a row exhaust the client's four attempts: a transient error for the caller, nothing written.
    await sandbox.addFault(realmId, { kind: 'throttle', count: 4, method: 'POST', pathContains: '/invoice' });
    let caught: unknown;
    try {
      await company.create('Invoice', invoiceBody(customerId, 'T429-long'), { idempotencyKey: 'invoice:T429-long:v1' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(QboRateLimitedError);
    expect(caught).toMatchObject({ transient: true, httpStatus: 429, code: '3001' });
    expect(await byDocNumber(company, 'T429-long')()).toBeUndefined();
    const redelivered = await company.create('Invoice', invoiceBody(customerId, 'T429-long'), { idempotencyKey: 'invoice:T429-long:v1' });
    expect(redelivered.DocNumber).toBe('T429-long');
    stats = await sandbox.stats(realmId);
    expect(stats).toMatchObject({ injectedFaults: 10, throttled: 0 });
    await expectExactlyOnce(realmId, [...docs, 'T429-long']);
  });

  it('5xx rates on writes and reads: retried with the same requestid, no document lost or doubled', async () => {
    const { client } = newClient();
    const { realmId, customerId } = await connectedRealm();
    const company = client.company(realmId);
    for (const rule of [
      { kind: 'status', status: 503, rate: 0.25, seed: 7, method: 'POST' },
      { kind: 'status', status: 500, rate: 0.15, seed: 9 },
      { kind: 'status', status: 502, rate: 0.2, seed: 13, method: 'GET' },
    ]) {
      await sandbox.addFault(realmId, rule);
    }
    const docs = Array.from({ length: 40 }, (_, i) => `T5XX-${i}`);
    const outcomes = await inParallel(docs, 8, async (doc) => {
      const delivered = await deliver(
        () => company.create('Invoice', invoiceBody(customerId, doc, '12.34'), { idempotencyKey: `invoice:${doc}:v1` }),
        byDocNumber(company, doc),
      );
      const read = await deliver(() => company.read('Invoice', delivered.value.Id), async () => undefined);
      expect(read.value.TotalAmt).toBe(delivered.value.TotalAmt);
      return [...delivered.seen, ...read.seen];
    });
    await sandbox.control('DELETE', `faults?realmId=${realmId}`);

    const stats = await sandbox.stats(realmId);
    expect(stats.injectedFaults).toBeGreaterThan(10);
    expect(stats.writes['Invoice.Create']).toBe(40);
    expect(stats.throttled).toBe(0);
    // Answered failures are never uncertain: only server errors reached the callers, after the client's own retries.
    expect(outcomes.flat().filter((type) => type !== 'server')).toEqual([]);
    await expectExactlyOnce(realmId, docs);
    const all = await company.queryAll(qboQuery('Invoice'));
    expect(all.reduce((acc, i) => acc.plus(i.TotalAmt ?? '0'), new D(0)).toFixed(2)).toBe('493.60');
  });

  it('dropped answers after committed writes: QboUncertainWriteError, never resent by the client; read back + same key leaves exactly one', async () => {
    const { client } = newClient();
    const { realmId, customerId } = await connectedRealm();
    const company = client.company(realmId);

    // Create.
    await sandbox.addFault(realmId, { kind: 'drop', count: 1, method: 'POST', pathContains: '/invoice' });
    const key = 'invoice:DROP-1:v1';
    let lost: unknown;
    try {
      await company.create('Invoice', invoiceBody(customerId, 'DROP-1', '250.00'), { idempotencyKey: key });
    } catch (error) {
      lost = error;
    }
    expect(lost).toBeInstanceOf(QboUncertainWriteError);
    expect(lost).toMatchObject({ kind: 'uncertain', transient: false });
    expect((lost as QboUncertainWriteError).requestId).toMatch(/^[0-9a-f]{32}$/);
    let stats = await sandbox.stats(realmId);
    expect(stats).toMatchObject({ droppedResponses: 1, replays: 0 });
    expect(stats.writes['Invoice.Create']).toBe(1); // committed, and the client did not send it again
    const readBack = await byDocNumber(company, 'DROP-1')();
    expect(readBack?.DocNumber).toBe('DROP-1');
    const resent = await company.create('Invoice', invoiceBody(customerId, 'DROP-1', '250.00'), { idempotencyKey: key });
    expect(resent.Id).toBe(readBack?.Id); // QuickBooks' original answer, replayed
    stats = await sandbox.stats(realmId);
    expect(stats.replays).toBe(1);
    expect(stats.writes['Invoice.Create']).toBe(1);

    // Sparse update: the resend is replayed, not applied again (no 5010, SyncToken moved once).
    await sandbox.addFault(realmId, { kind: 'drop', count: 1, method: 'POST', pathContains: '/invoice' });
    const patch = { Id: resent.Id, SyncToken: resent.SyncToken, PrivateNote: 'approved' };
    await expect(company.update('Invoice', patch, { idempotencyKey: 'invoice:DROP-1:note' })).rejects.toBeInstanceOf(QboUncertainWriteError);
    expect(await company.read('Invoice', resent.Id)).toMatchObject({ SyncToken: '1', PrivateNote: 'approved' });
    expect(await company.update('Invoice', patch, { idempotencyKey: 'invoice:DROP-1:note' })).toMatchObject({ SyncToken: '1', PrivateNote: 'approved' });
    expect((await company.read('Invoice', resent.Id)).SyncToken).toBe('1');

    // Payment: applied once, whatever the caller went through.
    await sandbox.addFault(realmId, { kind: 'drop', count: 1, method: 'POST', pathContains: '/payment' });
    const payment = { CustomerRef: { value: customerId }, TotalAmt: '100.00', PaymentRefNum: 'CHK-DROP', Line: [{ Amount: '100.00', LinkedTxn: [{ TxnId: resent.Id, TxnType: 'Invoice' }] }] };
    const paid = await deliver<Payment>(
      () => company.create('Payment', payment, { idempotencyKey: 'payment:DROP-2:v1' }),
      async () => (await company.query(qboQuery('Payment').where('PaymentRefNum', '=', 'CHK-DROP'))).rows[0],
    );
    expect(paid.seen).toEqual(['uncertain_write']);
    expect(paid.confirmedBeforeResend).toBe(paid.value.Id);
    expect(new D((await company.read('Invoice', resent.Id)).Balance ?? '').eq('150.00')).toBe(true);
    expect((await company.query(qboQuery('Payment'))).rows).toHaveLength(1);

    // Batch: every write item of the lost answer is uncertain; the same call again replays all of them.
    await sandbox.addFault(realmId, { kind: 'drop', count: 1, method: 'POST', pathContains: '/batch' });
    const items = ['DROP-B1', 'DROP-B2', 'DROP-B3'].map((doc) => ({ key: doc, op: { operation: 'create' as const, entity: 'Invoice' as const, body: invoiceBody(customerId, doc) } }));
    const first = await company.batch(items, { idempotencyKey: 'batch:drop:v1' });
    expect(first.map((r) => (r.ok ? 'ok' : r.error.type))).toEqual(['uncertain_write', 'uncertain_write', 'uncertain_write']);
    for (const doc of ['DROP-B1', 'DROP-B2', 'DROP-B3']) expect(await byDocNumber(company, doc)()).toBeDefined();
    const again = await company.batch(items, { idempotencyKey: 'batch:drop:v1' });
    expect(again.every((r) => r.ok)).toBe(true);
    stats = await sandbox.stats(realmId);
    expect(stats).toMatchObject({ droppedResponses: 4, replays: 4 }); // create, update, payment, batch: each replayed once
    await expectExactlyOnce(realmId, ['DROP-1', 'DROP-B1', 'DROP-B2', 'DROP-B3']);
  });

  it('access tokens expiring in the middle of a run: one refresh, every write lands once', async () => {
    const { client, gateway } = newClient();
    const { realmId, customerId } = await connectedRealm();
    const company = client.company(realmId);
    const minted = (await store.load(realmId))?.accessToken;
    const docs = Array.from({ length: 60 }, (_, i) => `TEXP-${i}`);
    let done = 0;
    let expired = 0;
    await inParallel(docs, 6, async (doc) => {
      const invoice = await company.create('Invoice', invoiceBody(customerId, doc), { idempotencyKey: `invoice:${doc}:v1` });
      if (++done === 20) expired = (await sandbox.control<{ expired: number }>('POST', 'tokens/expire', { realmId })).expired;
      return invoice;
    });
    expect(expired).toBe(1);
    expect(gateway.refreshes).toBe(1);
    const row = await store.load(realmId);
    expect(row).toMatchObject({ status: 'connected' });
    expect(row?.accessToken).not.toBe(minted);
    expect((await sandbox.stats(realmId)).writes['Invoice.Create']).toBe(60);
    await expectExactlyOnce(realmId, docs);
  });

  it('many concurrent calls on an expired token: exactly one refresh, in one process and across two replicas sharing PgTokenStore', async () => {
    // One process: the stored token is past its expiry, 40 callers arrive at once.
    const one = newClient();
    const { realmId, customerId } = await connectedRealm();
    await store.withRealmLock(realmId, async (tx) => tx.current && tx.save({ ...tx.current, accessTokenExpiresAt: Date.now() - 1_000 }));
    const reads = await inParallel(Array.from({ length: 40 }, (_, i) => i), 40, () => one.client.company(realmId).read('Customer', customerId));
    expect(reads.every((c: Customer) => c.Id === customerId)).toBe(true);
    expect(one.gateway.refreshes).toBe(1);

    // Two replicas (one rate budget in PostgreSQL), both with the token cached; QuickBooks expires it; 25 callers on each.
    const a = newClient({ replica: true });
    const b = newClient({ replica: true });
    await a.client.company(realmId).read('Customer', customerId);
    await b.client.company(realmId).read('Customer', customerId);
    await sandbox.control('POST', 'tokens/expire', { realmId });
    const docs = Array.from({ length: 50 }, (_, i) => `TREP-${i}`);
    await inParallel(docs, 50, (doc, i) => (i % 2 === 0 ? a : b).client.company(realmId).create('Invoice', invoiceBody(customerId, doc), { idempotencyKey: `invoice:${doc}:v1` }));
    expect(a.gateway.refreshes + b.gateway.refreshes).toBe(1);
    expect(await store.load(realmId)).toMatchObject({ status: 'connected' });
    expect((await sandbox.stats(realmId)).throttled).toBe(0); // together the replicas stayed within 10 in flight
    await expectExactlyOnce(realmId, docs);
  });

  it('a dead grant: one refresh attempt answered invalid_grant, every caller gets QboAuthRevokedError, later calls fail fast', async () => {
    const { client, gateway } = newClient();
    const { realmId, customerId } = await connectedRealm();
    const company = client.company(realmId);
    await company.read('Customer', customerId);
    await sandbox.control('POST', 'tokens/revoke', { realmId });

    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => company.read('Customer', customerId)));
    expect(settled.map((s) => s.status === 'rejected' && s.reason instanceof QboAuthRevokedError)).toEqual(Array(20).fill(true));
    expect(gateway.refreshes).toBe(1);
    const row = await store.load(realmId);
    expect(row?.status).toBe('error');
    expect([row?.accessToken, row?.refreshToken]).toEqual([undefined, undefined]);
    expect(row?.statusReason).toMatch(/invalid_grant/);
    await expect(company.create('Invoice', invoiceBody(customerId, 'TDEAD-1'), { idempotencyKey: 'invoice:TDEAD-1:v1' })).rejects.toBeInstanceOf(QboAuthRevokedError);
    expect(gateway.refreshes).toBe(1); // no retry loop against a dead grant
    expect((await sandbox.stats(realmId)).writes['Invoice.Create']).toBeUndefined();
  });

  it('a real OAuth connect: authorizeUrl → sandbox consent → exchangeCode with intuit-oauth (once, even on a double callback) → sealed in PgTokenStore → writes → revoke', async () => {
    const { client, gateway, tokens } = newClient();
    const { realmId } = await sandbox.newRealm();
    const { url, state } = tokens.authorizeUrl();
    const authorize = new URL(url);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sandbox.url}/connect/oauth2`);
    expect(authorize.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting');
    authorize.searchParams.set('realmId', realmId); // the sandbox's way to pick the company the user consents for
    const consent = await fetch(authorize, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = consent.headers.get('location') ?? '';
    expect(new URL(callback).searchParams.get('realmId')).toBe(realmId);

    await expect(tokens.exchangeCode(callback, `${state}x`)).rejects.toBeInstanceOf(QboClientUsageError);
    const [first, second] = await Promise.all([tokens.exchangeCode(callback, state), tokens.exchangeCode(callback, state)]);
    expect(gateway.exchanges).toBe(1);
    expect(second).toBe(first);
    expect(first).toMatchObject({ realmId, status: 'connected' });
    expect(await tokens.status(realmId)).toMatchObject({ realmId, status: 'connected' });
    expect(await tokens.status(realmId)).not.toHaveProperty('accessToken');
    const sealed = await pool.query<{ access_token_sealed: string; refresh_token_sealed: string }>('select access_token_sealed, refresh_token_sealed from arbiter_qbo.qbo_connection where realm_id = $1', [realmId]);
    expect(sealed.rows[0].access_token_sealed).toMatch(/^v1:/);
    expect(sealed.rows[0].access_token_sealed).not.toContain(first.accessToken as string);
    expect(sealed.rows[0].refresh_token_sealed).not.toContain(first.refreshToken as string);
    expect((await sandbox.control<{ connected: boolean }>('GET', `realms/${realmId}`)).connected).toBe(true);

    const company = client.company(realmId);
    const customer = await company.create('Customer', { DisplayName: 'OAuth Connected Co' }, { idempotencyKey: 'customer:oauth:v1' });
    const invoice = await company.create('Invoice', invoiceBody(customer.Id, 'TOAUTH-1', '12345678901234.56'), { idempotencyKey: 'invoice:TOAUTH-1:v1' });
    expect((await company.read('Invoice', invoice.Id)).TotalAmt).toBe('12345678901234.56');
    expect(gateway.refreshes).toBe(0);

    await tokens.revoke(realmId);
    expect(gateway.revokes).toBe(1);
    expect(await tokens.status(realmId)).toMatchObject({ status: 'revoked' });
    expect((await sandbox.control<{ connected: boolean }>('GET', `realms/${realmId}`)).connected).toBe(false);
    await expect(company.read('Invoice', invoice.Id)).rejects.toBeInstanceOf(QboAuthRevokedError);
    await expectExactlyOnce(realmId, ['TOAUTH-1']);
  });
});

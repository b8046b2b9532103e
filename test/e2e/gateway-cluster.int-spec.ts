import { buildCustomerUpserted, buildInvoiceUpserted, buildItemUpserted } from '@arbiter/testing';
import { Money } from '@arbiter/domain';
import { GatewayClusterHarness, sha256 } from './gateway-cluster-harness';
import { eventually } from './sync-harness';

/**
 * CONTRACT.md §2 end to end: a client with API keys talks only to the gateway, which calls the real sync-service
 * and recon-service (INTERNAL_API_TOKEN), which read and write a real PostgreSQL, exchange events on the real
 * broker and talk to the QuickBooks sandbox over HTTP with tokens from the real intuit-oauth flow.
 */
const usd = (value: unknown) => Money.rounded(String(value), 'USD').toString();
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Problem {
  id: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  sourceId: string;
  kind: string;
  state: string;
  reason: string;
  allowedActions: string[];
  details: Record<string, unknown> | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface InvoiceRow {
  sourceId: string;
  status: string;
  issueDate: string;
  syncStatus: string;
  qboId: string | null;
}

describe('the gateway in front of the running cluster', () => {
  const h = new GatewayClusterHarness();
  const t = () => ({ tenantId: h.tenantId });
  let runId = '';

  const qboInvoice = async (qboId: string) => (await h.qbo<{ Invoice: Record<string, unknown> }>('GET', `invoice/${qboId}`)).Invoice;
  /** The open problem of one document, as Problem Sync lists it through the gateway. */
  const listedProblem = (sourceId: string, kind: string) =>
    eventually(async () => {
      const page = await h.api<Page<Problem>>('GET', '/api/v1/problems?entityType=invoice&limit=500', 'controller');
      return page.body.items.find((p) => p.sourceId === sourceId && p.kind === kind);
    }, `problem ${kind} on ${sourceId}`, 45_000, h);
  const invoiceState = (sourceId: string) => h.api<Record<string, unknown>>('GET', `/api/v1/invoices/${sourceId}`, 'auditor');
  const synced = (sourceId: string, status = 'pushed') =>
    eventually(async () => {
      const res = await invoiceState(sourceId);
      return res.status === 200 && res.body['syncStatus'] === status && res.body['qboId'] ? res.body : undefined;
    }, `${sourceId} ${status}`, 45_000, h);
  const invoice = (id: string, number: string, extra: Record<string, unknown> = {}) =>
    buildInvoiceUpserted({ ...t(), data: { id, number, customerId: 'cus-main', lines: [{ itemId: 'item-consult', quantity: '1', unitPrice: '100.00' }], ...extra } });

  beforeAll(async () => {
    await h.start();
  }, 180_000); // seven Node processes start from source on a shared 2-core machine
  afterAll(async () => {
    await h.stop();
  });

  it('connects QuickBooks through authorize → sandbox consent → callback: disconnected, connecting, connected', async () => {
    expect((await h.api('GET', '/api/v1/connections/quickbooks', 'admin')).body).toEqual({ state: 'disconnected' });
    const authorize = await h.api<{ url: string }>('GET', '/api/v1/connections/quickbooks/authorize', 'admin');
    expect(authorize.status).toBe(302);
    const consentUrl = authorize.headers.get('location') as string;
    expect(consentUrl.startsWith(`${h.sandboxUrl}/connect/oauth2?`)).toBe(true);
    expect((await h.api('GET', '/api/v1/connections/quickbooks', 'admin')).body).toEqual({ state: 'connecting' });

    const consent = await fetch(consentUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location') as string;
    expect(consent.status).toBe(302);
    expect(callback.startsWith(`${h.gatewayUrl}/oauth/quickbooks/callback?`)).toBe(true);
    const landed = await fetch(callback, { headers: { accept: 'application/json' } });
    const connected = (await landed.json()) as { state: string; tenantId: string; realmId: string };
    expect(landed.status).toBe(200);
    expect(connected).toMatchObject({ state: 'connected', tenantId: h.tenantId });
    h.realmId = connected.realmId;
    const status = await h.api<{ connectedAt: string }>('GET', '/api/v1/connections/quickbooks', 'admin');
    expect(status.body).toEqual({ state: 'connected', realmId: h.realmId, connectedAt: expect.stringMatching(ISO_INSTANT) });
    expect((await fetch(callback, { headers: { accept: 'application/json' } })).status).toBe(400); // the state is single-use

    // The books and the platform's catalogue the later scenarios share.
    const income = (await h.qboQuery<{ Id: string }>(`select * from Account where AccountType = 'Income'`))[0];
    await h.qbo('POST', 'item', { Name: 'Consulting', Sku: 'SKU-CONSULT', Type: 'Service', IncomeAccountRef: { value: income.Id }, UnitPrice: 100 });
    await h.publish(
      buildItemUpserted({ ...t(), data: { id: 'item-consult', sku: 'SKU-CONSULT', name: 'Consulting' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-main', displayName: 'Northwind Traders', billingEmail: 'ap@northwind.test' } }),
      buildCustomerUpserted({ ...t(), data: { id: 'cus-other', displayName: 'Tailspin Toys', billingEmail: 'ap@tailspin.test' } }),
    );
  });

  it('a duplicate_match is fixed by a manual mapping, then a resync', async () => {
    const east = (await h.qbo<{ Customer: { Id: string } }>('POST', 'customer', { DisplayName: 'Fabrikam East', PrimaryEmailAddr: { Address: 'ap@fabrikam.test' } })).Customer;
    await h.qbo('POST', 'customer', { DisplayName: 'Fabrikam West', PrimaryEmailAddr: { Address: 'ap@fabrikam.test' } });
    await h.publish(
      buildCustomerUpserted({ ...t(), data: { id: 'cus-fab', displayName: 'Fabrikam', billingEmail: 'ap@fabrikam.test' } }),
      invoice('inv-fab', 'GW-1001', { customerId: 'cus-fab' }),
    );
    const problem = await listedProblem('inv-fab', 'duplicate_match');
    expect(problem.reason).toContain('ap@fabrikam.test');
    expect(problem.allowedActions).toEqual(expect.arrayContaining(['map', 'resync']));
    expect(problem).toMatchObject({ firstSeenAt: expect.stringMatching(ISO_INSTANT), lastSeenAt: expect.stringMatching(ISO_INSTANT), resolvedAt: null });

    const mapped = await h.api('PUT', '/api/v1/mappings/customers/cus-fab', 'controller', { qboId: east.Id });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ sourceId: 'cus-fab', qboId: east.Id });
    expect((await h.api('GET', '/api/v1/mappings/customers/cus-fab', 'controller')).body).toMatchObject({ qboId: east.Id, mappedAt: expect.stringMatching(ISO_INSTANT) });
    const resync = await h.api('POST', `/api/v1/problems/${problem.id}/resync`, 'controller');
    expect(resync.status).toBe(200);
    expect(resync.body).toMatchObject({ entityType: 'invoice', sourceId: 'inv-fab' });

    const state = await synced('inv-fab');
    expect((await qboInvoice(state['qboId'] as string))['CustomerRef']).toMatchObject({ value: east.Id });
    const resolved = await h.api<Page<Problem>>('GET', '/api/v1/problems?status=resolved&entityType=invoice', 'auditor');
    expect(resolved.body.items.find((p) => p.id === problem.id)).toMatchObject({ state: 'resolved' });
  });

  it('marks a closed_period invoice paid without sending it', async () => {
    await h.control('PUT', `realms/${h.realmId}/book-close-date`, { date: '2026-09-30' });
    await h.publish(invoice('inv-closed', 'GW-1002', { issueDate: '2026-09-15', dueDate: '2026-10-15' }));
    const problem = await listedProblem('inv-closed', 'closed_period');
    expect(problem.reason).toContain('2026-09-30');
    // The sync-service names the action mark_paid; the gateway's endpoint is /mark-paid (docs/contract-extensions.md).
    expect(problem.allowedActions).toContain('mark_paid');
    expect((await h.api('POST', `/api/v1/problems/${problem.id}/mark-paid`, 'auditor')).status).toBe(403);

    const paid = await h.api('POST', `/api/v1/problems/${problem.id}/mark-paid`, 'controller');
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ sourceId: 'inv-closed', syncStatus: 'marked_paid' });
    expect((await invoiceState('inv-closed')).body).toMatchObject({ syncStatus: 'marked_paid', qboId: null });
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'GW-1002'`)).toHaveLength(0);
  });

  it('overrides a link onto another QuickBooks record, then removes it and the next sync re-matches that record', async () => {
    await h.publish(invoice('inv-link', 'GW-1003', { lines: [{ itemId: 'item-consult', quantity: '3', unitPrice: '100.00' }] }));
    const first = (await synced('inv-link'))['qboId'] as string;
    // In QuickBooks someone deleted our invoice and keyed it again by hand; a person points the link at the new one.
    await h.control('POST', `realms/${h.realmId}/user/invoices/${first}/delete`);
    const customer = (await h.qboQuery<{ Id: string }>(`select * from Customer where DisplayName = 'Northwind Traders'`))[0];
    const item = (await h.qboQuery<{ Id: string }>(`select * from Item where Sku = 'SKU-CONSULT'`))[0];
    const target = (await h.qbo<{ Invoice: { Id: string } }>('POST', 'invoice', {
      CustomerRef: { value: customer.Id },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 1, SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 1 } }],
    })).Invoice;

    const override = await h.api('PUT', '/api/v1/links/invoice/inv-link', 'controller', { qboId: target.Id });
    expect(override.status).toBe(200);
    expect(override.body).toMatchObject({ qboId: target.Id });
    await eventually(async () => usd((await qboInvoice(target.Id))['TotalAmt']) === '300.00', 'the overridden record updated', 45_000, h);
    expect(await synced('inv-link', 'updated')).toMatchObject({ qboId: target.Id });
    expect((await qboInvoice(target.Id))['DocNumber']).toBe('GW-1003');

    const removed = await h.api('DELETE', '/api/v1/links/invoice/inv-link', 'controller');
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ qboId: null });
    expect(await synced('inv-link')).toMatchObject({ qboId: target.Id }); // found again by DocNumber and marker, not created twice
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'GW-1003'`)).toHaveLength(1);
  });

  it('lists the found set with filters and cursor pagination, shows “More info”, and queues a balance pull for it', async () => {
    const days = ['02', '03', '04', '05', '06'];
    await h.publish(
      ...days.map((d) => invoice(`inv-set-${d}`, `GW-20${d}`, { customerId: 'cus-other', issueDate: `2026-10-${d}`, dueDate: `2026-11-${d}` })),
      invoice('inv-set-draft', 'GW-2099', { customerId: 'cus-other', status: 'draft', issueDate: '2026-10-04' }),
    );
    for (const d of days) await synced(`inv-set-${d}`);

    const seen: InvoiceRow[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: Page<InvoiceRow> } = await h.api<Page<InvoiceRow>>('GET', `/api/v1/invoices?customerId=cus-other&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'auditor');
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((i) => i.sourceId).sort()).toEqual([...days.map((d) => `inv-set-${d}`), 'inv-set-draft'].sort());
    expect(seen.find((i) => i.sourceId === 'inv-set-draft')).toMatchObject({ status: 'draft', syncStatus: 'pending', qboId: null });

    const filtered = await h.api<Page<InvoiceRow>>('GET', '/api/v1/invoices?customerId=cus-other&status=approved&issuedFrom=2026-10-03&issuedTo=2026-10-05', 'auditor');
    expect(filtered.body.items.map((i) => i.sourceId)).toEqual(['inv-set-03', 'inv-set-04', 'inv-set-05']);
    expect(filtered.body.items.every((i) => i.syncStatus === 'pushed' && i.qboId)).toBe(true);
    expect((await h.api('GET', '/api/v1/invoices?issuedFrom=2026-10-05&issuedTo=2026-10-03', 'auditor')).status).toBe(400);

    const more = await invoiceState('inv-set-04');
    const qboId = more.body['qboId'] as string;
    expect(more.body).toMatchObject({ sourceId: 'inv-set-04', syncStatus: 'pushed', lastPushedVersion: 1, total: '100.00' });
    expect(more.body['pushedAt']).toMatch(ISO_INSTANT);
    expect(more.body['viewInQuickBooksUrl']).toBe(`https://app.sandbox.qbo.intuit.com/app/invoice?txnId=${qboId}`);
    expect(usd((await qboInvoice(qboId))['TotalAmt'])).toBe('100.00');

    const filter = { customerId: 'cus-other', issuedFrom: '2026-10-03', issuedTo: '2026-10-05' };
    expect((await h.api('POST', '/api/v1/invoices/balances/pull', 'auditor', { filter })).status).toBe(403);
    const pull = await h.api<{ id: string }>('POST', '/api/v1/invoices/balances/pull', 'controller', { filter });
    expect(pull.status).toBe(202);
    expect(pull.body).toMatchObject({ kind: 'balance_pull', state: 'queued' });
    expect((await h.api('GET', `/api/v1/jobs/${pull.body.id}`, 'auditor')).body).toMatchObject({ id: pull.body.id, kind: 'balance_pull' });
    expect((await h.api('GET', `/api/v1/jobs/${pull.body.id}`, 'otherAdmin')).status).toBe(404);
  });

  it('runs a reconciliation through the gateway: the PDF is the same bytes twice and matches its SHA-256, the CSV too', async () => {
    // A QuickBooks user edits a pushed invoice: 100.00 becomes 80.00.
    const drifted = (await invoiceState('inv-set-06')).body['qboId'] as string;
    await h.control('POST', `realms/${h.realmId}/user/invoices/${drifted}/edit`, { amount: '80.00' });
    expect((await h.api('POST', '/api/v1/reconciliations', 'auditor', { asOf: '2026-11-30' })).status).toBe(403);
    const started = await h.api<{ id: string }>('POST', '/api/v1/reconciliations', 'controller', { asOf: '2026-11-30' });
    expect(started.status).toBe(202);
    runId = started.body.id;
    expect(started.headers.get('location')).toBe(`/api/v1/reconciliations/${runId}`);

    const run = await eventually(async () => {
      const res = await h.api<Record<string, unknown>>('GET', `/api/v1/reconciliations/${runId}`, 'auditor');
      return res.body['state'] === 'completed' || res.body['state'] === 'failed' ? res.body : undefined;
    }, 'run finished', 60_000, h);
    expect(run).toMatchObject({ id: runId, state: 'completed', status: 'out_of_sync', asOf: '2026-11-30' });
    expect((run['discrepancyCounts'] as Record<string, number>)['amount_mismatch']).toBe(1);
    const found = await h.api<Page<{ sourceId: string; difference: string; sourceAmount: string; qboAmount: string }>>('GET', `/api/v1/reconciliations/${runId}/discrepancies?kind=amount_mismatch`, 'auditor');
    expect(found.body.items).toEqual([expect.objectContaining({ sourceId: 'inv-set-06', sourceAmount: '100.00', qboAmount: '80.00', difference: '20.00' })]);

    const first = await h.api('GET', `/api/v1/reconciliations/${runId}/report.pdf`, 'auditor');
    const second = await h.api('GET', `/api/v1/reconciliations/${runId}/report.pdf`, 'auditor');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(first.headers.get('x-content-sha256')).toBe(sha256(first.bytes));
    expect(second.headers.get('x-content-sha256')).toBe(sha256(first.bytes));
    expect(run['reportSha256']).toBe(sha256(first.bytes));

    const csv = await h.api('GET', `/api/v1/reconciliations/${runId}/report.csv`, 'auditor');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-content-sha256')).toBe(sha256(csv.bytes));
    expect(csv.bytes.toString('utf8')).toContain('inv-set-06');
  });

  it('resyncs the reconciliation_difference the run raised, putting QuickBooks back', async () => {
    const problem = await listedProblem('inv-set-06', 'reconciliation_difference');
    expect(problem.details).toMatchObject({ runId, discrepancyKind: 'amount_mismatch' });
    expect(problem.allowedActions).toEqual(expect.arrayContaining(['resync', 'mark_paid']));
    expect((await h.api('POST', `/api/v1/problems/${problem.id}/resync`, 'controller')).status).toBe(200);
    const qboId = (await invoiceState('inv-set-06')).body['qboId'] as string;
    await eventually(async () => usd((await qboInvoice(qboId))['TotalAmt']) === '100.00', 'QuickBooks back at 100.00', 45_000, h);
    expect(await synced('inv-set-06', 'updated')).toMatchObject({ qboId, lastPushedVersion: 1 });
    expect(await h.qboQuery(`select * from Invoice where DocNumber = 'GW-2006'`)).toHaveLength(1);
  });

  it('an auditor may only read; another tenant’s resources are 404; the services refuse calls without the internal token', async () => {
    const problem = (await h.api<Page<Problem>>('GET', '/api/v1/problems?status=all&entityType=invoice', 'auditor')).body.items[0];
    const actions: Array<[string, string, unknown?]> = [
      ['POST', `/api/v1/problems/${problem.id}/resync`],
      ['POST', `/api/v1/problems/${problem.id}/clear`],
      ['PUT', '/api/v1/links/invoice/inv-link', { qboId: '1' }],
      ['DELETE', '/api/v1/links/invoice/inv-link'],
      ['PUT', '/api/v1/mappings/customers/cus-fab', { qboId: '1' }],
      ['POST', '/api/v1/invoices/inv-link/push'],
      ['GET', '/api/v1/connections/quickbooks/authorize'],
      ['DELETE', '/api/v1/connections/quickbooks'],
    ];
    for (const [method, path, body] of actions) expect([method, path, (await h.api(method, path, 'auditor', body)).status]).toEqual([method, path, 403]);

    const theirs: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/invoices/inv-link'],
      ['POST', `/api/v1/problems/${problem.id}/resync`],
      ['PUT', '/api/v1/links/invoice/inv-link', { qboId: '1' }],
      ['GET', `/api/v1/reconciliations/${runId}`],
      ['GET', `/api/v1/reconciliations/${runId}/report.pdf`],
      ['GET', '/api/v1/reconciliations/00000000-0000-4000-8000-000000000000'],
    ];
    for (const [method, path, body] of theirs) expect([method, path, (await h.api(method, path, 'otherAdmin', body)).status]).toEqual([method, path, 404]);
    expect((await h.api<Page<unknown>>('GET', '/api/v1/invoices', 'otherAdmin')).body.items).toEqual([]);
    expect((await h.api<Page<unknown>>('GET', '/api/v1/reconciliations', 'otherAdmin')).body.items).toEqual([]);
    expect((await h.api('GET', '/api/v1/invoices/inv-link', 'auditor')).status).toBe(200);

    const wrongToken = `${h.internalToken.slice(0, -1)}${h.internalToken.endsWith('A') ? 'B' : 'A'}`; // one character off
    for (const base of [`${h.syncUrl}/internal/v1/tenants/${h.tenantId}/invoices`, `${h.reconUrl}/internal/v1/tenants/${h.tenantId}/reconciliations`]) {
      expect((await fetch(base)).status).toBe(401);
      expect((await fetch(base, { headers: { authorization: `Bearer ${wrongToken}` } })).status).toBe(401);
      expect((await fetch(base, { headers: { authorization: `Bearer ${h.internalToken}` } })).status).toBe(200);
    }
  });

  it('disconnecting revokes the tokens at QuickBooks and shows disconnected', async () => {
    const held = await h.heldTokens();
    const companyInfo = (token: string) => fetch(`${h.sandboxUrl}/v3/company/${h.realmId}/companyinfo/${h.realmId}?minorversion=75`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect((await companyInfo(held.accessToken)).status).toBe(200);

    const disconnected = await h.api('DELETE', '/api/v1/connections/quickbooks', 'admin');
    expect(disconnected.status).toBe(200);
    expect(disconnected.body).toEqual({ state: 'disconnected' });
    expect((await h.api('GET', '/api/v1/connections/quickbooks', 'admin')).body).toEqual({ state: 'disconnected' });
    expect((await companyInfo(held.accessToken)).status).toBe(401);
    const refresh = await fetch(`${h.sandboxUrl}/oauth2/v1/tokens/bearer`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${h.env['QBO_CLIENT_ID']}:${h.env['QBO_CLIENT_SECRET']}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: held.refreshToken }).toString(),
    });
    expect(refresh.status).toBe(400);
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('the audit chain verifies, and tampering with one row in PostgreSQL is detected', async () => {
    const events = await h.api<Page<{ seq: number; action: string; actor: { role: string } }>>('GET', '/api/v1/audit-events?limit=500', 'auditor');
    const actions = events.body.items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['connection.connected', 'mapping.set', 'problem.resync', 'problem.mark-paid', 'link.overridden', 'link.removed', 'reconciliation.started', 'connection.disconnected']),
    );
    const verified = await h.api<{ valid: boolean; reportSha256: string; chain: { valid: boolean; length: number } }>('GET', `/api/v1/reconciliations/${runId}/verify`, 'auditor');
    expect(verified.body).toMatchObject({ valid: true, chain: { valid: true } });

    const markPaid = events.body.items.find((e) => e.action === 'problem.mark-paid' && e.actor.role === 'controller') as { seq: number };
    await h.pg.query('begin');
    await h.pg.query('set local session_replication_role = replica'); // a table owner bypassing the append-only trigger
    await h.pg.query(`update gateway.audit_event set actor_key_id = 'ak_000000000000' where tenant_id = $1 and seq = $2`, [h.tenantId, markPaid.seq]);
    await h.pg.query('commit');
    const tampered = await h.api<{ valid: boolean; chain: { valid: boolean; brokenAt: number; reason: string } }>('GET', `/api/v1/reconciliations/${runId}/verify`, 'auditor');
    expect(tampered.body).toMatchObject({ valid: false, chain: { valid: false, brokenAt: markPaid.seq } });
    expect(tampered.body.chain.reason).toContain('altered');
  });
});

import { type Answer, type Harness, PROBLEM_ID, RUN_ID, startHarness } from './gateway-harness';

type Case = [name: string, method: string, path: string, send: { body?: unknown; rawBody?: string; headers?: Record<string, string> }, status: number, code: string, field?: string];

const ids = (n: number) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const INJECTIONS = [`' OR '1'='1`, `x'; drop table api_key; --`, `1) or (1=1`, `<script>alert(1)</script>`, `../../etc/passwd`, `$(reboot)`, `%00`];

const CASES: Case[] = [
  // malformed bodies
  ['truncated JSON', 'POST', '/api/v1/problems/bulk', { rawBody: '{"action":"resync","ids":[', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
  ['a JSON scalar where an object is due', 'POST', '/api/v1/reconciliations', { rawBody: 'null', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
  ['single quotes', 'PUT', '/api/v1/in-sync-point', { rawBody: "{'date':'2026-01-01'}", headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_JSON'],
  ['a text/plain body', 'PUT', '/api/v1/in-sync-point', { rawBody: '{"date":"2026-01-01"}', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a form body', 'POST', '/api/v1/reconciliations', { rawBody: 'asOf=2026-10-31', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a body over 256 kB', 'PUT', '/api/v1/export-flags', { body: { sourceIds: Array.from({ length: 30_000 }, (_, i) => `inv-${i}`), export: true } }, 413, 'PAYLOAD_TOO_LARGE'],
  // wrong types and unknown fields
  ['ids not an array', 'POST', '/api/v1/problems/bulk', { body: { action: 'resync', ids: PROBLEM_ID } }, 400, 'VALIDATION_FAILED', 'ids'],
  ['an unknown bulk action', 'POST', '/api/v1/problems/bulk', { body: { action: 'delete', ids: [PROBLEM_ID] } }, 400, 'VALIDATION_FAILED', 'action'],
  ['no ids', 'POST', '/api/v1/problems/bulk', { body: { action: 'clear', ids: [] } }, 400, 'VALIDATION_FAILED', 'ids'],
  ['201 ids', 'POST', '/api/v1/problems/bulk', { body: { action: 'clear', ids: ids(201) } }, 400, 'VALIDATION_FAILED', 'ids'],
  ['a repeated id', 'POST', '/api/v1/problems/bulk', { body: { action: 'clear', ids: [PROBLEM_ID, PROBLEM_ID] } }, 400, 'VALIDATION_FAILED', 'ids'],
  ['an id that is not a UUID', 'POST', '/api/v1/problems/bulk', { body: { action: 'clear', ids: ['42'] } }, 400, 'VALIDATION_FAILED', 'ids.0'],
  ['an unknown body field', 'PUT', '/api/v1/settings', { body: { autoPush: true, runAsRoot: true } }, 400, 'VALIDATION_FAILED', 'runAsRoot'],
  ['a __proto__ member', 'PUT', '/api/v1/settings', { rawBody: '{"autoPush":true,"__proto__":{"admin":true}}', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED', '__proto__'],
  ['a boolean as a string', 'PUT', '/api/v1/settings', { body: { autoPush: 'true' } }, 400, 'VALIDATION_FAILED', 'autoPush'],
  ['a QuickBooks id that is not digits', 'PUT', '/api/v1/links/invoice/inv-1', { body: { qboId: '13 0' } }, 400, 'VALIDATION_FAILED', 'qboId'],
  ['an unknown entity type', 'PUT', '/api/v1/links/vendor/inv-1', { body: { qboId: '130' } }, 400, 'VALIDATION_FAILED', 'entityType'],
  ['an unknown mapping kind', 'PUT', '/api/v1/mappings/vendors/v-1', { body: { qboId: '130' } }, 400, 'VALIDATION_FAILED', 'kind'],
  ['an unknown role', 'POST', '/api/v1/api-keys', { body: { role: 'root', name: 'x' } }, 400, 'VALIDATION_FAILED', 'role'],
  ['a name with a control character', 'POST', '/api/v1/api-keys', { body: { role: 'auditor', name: 'a\u0007b' } }, 400, 'VALIDATION_FAILED', 'name'],
  ['export flags with both sourceIds and before', 'PUT', '/api/v1/export-flags', { body: { sourceIds: ['inv-1'], before: '2026-01-01', export: true } }, 400, 'VALIDATION_FAILED', 'sourceIds'],
  ['export flags without export', 'PUT', '/api/v1/export-flags', { body: { before: '2026-01-01' } }, 400, 'VALIDATION_FAILED', 'export'],
  ['balance pull with ids and a filter', 'POST', '/api/v1/invoices/balances/pull', { body: { invoiceIds: ['inv-1'], filter: {} } }, 400, 'VALIDATION_FAILED', 'filter'],
  // dates
  ['30 February', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-02-30' } }, 400, 'VALIDATION_FAILED', 'asOf'],
  ['a date with a time', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31T00:00:00Z' } }, 400, 'VALIDATION_FAILED', 'asOf'],
  ['a date as a number', 'POST', '/api/v1/reconciliations', { body: { asOf: 20261031 } }, 400, 'VALIDATION_FAILED', 'asOf'],
  ['an unknown aging basis', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', agingBasis: 'whenever' } }, 400, 'VALIDATION_FAILED', 'agingBasis'],
  ['month 13', 'POST', '/api/v1/payments/import', { body: { from: '2026-13-01', to: '2026-12-31' } }, 400, 'VALIDATION_FAILED', 'from'],
  ['from after to', 'POST', '/api/v1/payments/import', { body: { from: '2026-10-31', to: '2026-10-01' } }, 400, 'VALIDATION_FAILED', 'from'],
  ['a range over a year', 'POST', '/api/v1/payments/import', { body: { from: '2024-01-01', to: '2026-01-01' } }, 400, 'VALIDATION_FAILED', 'to'],
  ['a day-first date', 'PUT', '/api/v1/in-sync-point', { body: { date: '31/10/2026' } }, 400, 'VALIDATION_FAILED', 'date'],
  ['an unpadded date in a filter', 'GET', '/api/v1/invoices?issuedFrom=2026-1-1', {}, 400, 'VALIDATION_FAILED', 'issuedFrom'],
  ['issuedFrom after issuedTo', 'GET', '/api/v1/invoices?issuedFrom=2026-11-01&issuedTo=2026-10-01', {}, 400, 'VALIDATION_FAILED', 'issuedFrom'],
  // money (the run's tolerance): a decimal string, never a JSON number
  ['money as a JSON number', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', tolerance: 0.01 } }, 400, 'VALIDATION_FAILED', 'tolerance'],
  ['negative money', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', tolerance: '-0.01' } }, 400, 'VALIDATION_FAILED', 'tolerance'],
  ['money in exponent form', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', tolerance: '1e2' } }, 400, 'VALIDATION_FAILED', 'tolerance'],
  ['money with a thousands separator', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', tolerance: '1,000.00' } }, 400, 'VALIDATION_FAILED', 'tolerance'],
  ['money with 5 decimals', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', tolerance: '0.00001' } }, 400, 'VALIDATION_FAILED', 'tolerance'],
  ['money with 16 integer digits', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', tolerance: '1234567890123456' } }, 400, 'VALIDATION_FAILED', 'tolerance'],
  ['an unknown currency', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', currency: 'XYZ' } }, 400, 'VALIDATION_FAILED', 'currency'],
  ['13 aging periods', 'POST', '/api/v1/reconciliations', { body: { asOf: '2026-10-31', agingPeriods: 13 } }, 400, 'VALIDATION_FAILED', 'agingPeriods'],
  // query strings
  ['an unknown query parameter', 'GET', '/api/v1/problems?sort=reason', {}, 400, 'VALIDATION_FAILED', 'sort'],
  ['a repeated query parameter', 'GET', '/api/v1/problems?status=open&status=all', {}, 400, 'VALIDATION_FAILED', 'status'],
  ['limit 0', 'GET', '/api/v1/problems?limit=0', {}, 400, 'VALIDATION_FAILED', 'limit'],
  ['limit 501', 'GET', '/api/v1/problems?limit=501', {}, 400, 'VALIDATION_FAILED', 'limit'],
  ['a fractional limit', 'GET', '/api/v1/problems?limit=1.5', {}, 400, 'VALIDATION_FAILED', 'limit'],
  ['limit in exponent form', 'GET', '/api/v1/problems?limit=1e2', {}, 400, 'VALIDATION_FAILED', 'limit'],
  ['a cursor not issued here', 'GET', '/api/v1/audit-events?cursor=bm90LWEtY3Vyc29y', {}, 400, 'VALIDATION_FAILED', 'cursor'],
  ['allCustomers=yes', 'GET', `/api/v1/reconciliations/${RUN_ID}?allCustomers=yes`, {}, 400, 'VALIDATION_FAILED', 'allCustomers'],
  ['an unknown discrepancy kind', 'GET', `/api/v1/reconciliations/${RUN_ID}/discrepancies?kind=fraud`, {}, 400, 'VALIDATION_FAILED', 'kind'],
  ['a problem id that is not a UUID', 'POST', '/api/v1/problems/42/resync', {}, 400, 'VALIDATION_FAILED', 'id'],
  ['a job id that is not a UUID', 'GET', '/api/v1/jobs/42', {}, 400, 'VALIDATION_FAILED', 'id'],
  ['an API key id of the wrong shape', 'DELETE', '/api/v1/api-keys/42', {}, 400, 'VALIDATION_FAILED', 'id'],
  // injection strings, in every kind of filter and path parameter
  ...INJECTIONS.flatMap((evil): Case[] => [
    [`customerId ${evil}`, 'GET', `/api/v1/invoices?customerId=${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'customerId'],
    [`status ${evil}`, 'GET', `/api/v1/problems?status=${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'status'],
    [`entityType ${evil}`, 'GET', `/api/v1/problems?entityType=${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'entityType'],
    [`syncStatus ${evil}`, 'GET', `/api/v1/invoices?syncStatus=${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'syncStatus'],
    [`cursor ${evil}`, 'GET', `/api/v1/problems?cursor=${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'cursor'],
    [`audit action ${evil}`, 'GET', `/api/v1/audit-events?action=${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'action'],
    [`invoice id ${evil}`, 'GET', `/api/v1/invoices/${encodeURIComponent(evil)}`, {}, 400, 'VALIDATION_FAILED', 'sourceId'],
    [`run id ${evil}`, 'GET', `/api/v1/reconciliations/${encodeURIComponent(evil)}/verify`, {}, 400, 'VALIDATION_FAILED', 'id'],
    [`export sourceId ${evil}`, 'PUT', '/api/v1/export-flags', { body: { sourceIds: [evil], export: false } }, 400, 'VALIDATION_FAILED', 'sourceIds.0'],
  ]),
];

describe('bad input: a clear 4xx problem+json, and the services receive nothing', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const expectProblem = (res: Answer, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code }));
  };

  // A rest parameter: jest would take a 7th declared parameter, absent from 6-item rows, for a `done` callback.
  it.each(CASES)('%s → %s %s', async (...row) => {
    const [, method, path, send, status, code, field] = row as Case;
    const before = h.upstreamCalls();
    const auditBefore = (await h.pg.query('select count(*)::int as n from audit_event')).rows[0].n;
    const res = await h.call(method, path, { key: h.keys.admin, ...send });
    expectProblem(res, status, code);
    if (field) expect((res.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    expect(h.upstreamCalls()).toBe(before);
    expect((await h.pg.query('select count(*)::int as n from audit_event')).rows[0].n).toBe(auditBefore);
  });

  it('valid money passes through as the same string', async () => {
    const res = await h.call('POST', '/api/v1/reconciliations', { key: h.keys.controller, body: { asOf: '2026-10-31', tolerance: '0.0100', currency: 'USD', agingPeriods: 4 } });
    expect(res.status).toBe(202);
    expect(h.recon.calls[h.recon.calls.length - 1].body).toEqual({ asOf: '2026-10-31', tolerance: '0.0100', currency: 'USD', agingPeriods: 4 });
  });

  it('the limit bounds themselves are accepted', async () => {
    expect((await h.call('GET', '/api/v1/problems?limit=500', { key: h.keys.auditor })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/problems?limit=1', { key: h.keys.auditor })).status).toBe(200);
    expect(h.sync.calls.slice(-2).map((c) => c.query['limit'])).toEqual(['500', '1']);
  });

  it('a missing limit is sent as the default 50, and filters pass through as given', async () => {
    await h.call('GET', '/api/v1/invoices?customerId=cust-1&issuedFrom=2026-10-01', { key: h.keys.auditor });
    expect(h.sync.calls[h.sync.calls.length - 1].query).toEqual({ customerId: 'cust-1', issuedFrom: '2026-10-01', limit: '50' });
  });

  it('an API key name full of SQL quoting round-trips as text', async () => {
    const name = `O'Brien\\'; drop table api_key; -- "x"`;
    const created = await h.call('POST', '/api/v1/api-keys', { key: h.keys.admin, body: { role: 'auditor', name } });
    expect(created.status).toBe(201);
    const list = await h.call('GET', '/api/v1/api-keys', { key: h.keys.admin });
    expect((list.body as { items: { name: string }[] }).items.map((k) => k.name)).toContain(name);
  });

  it('an unknown route is a 404 problem, not an HTML page', async () => {
    expectProblem(await h.call('GET', '/api/v1/nothing-here', { key: h.keys.admin }), 404, 'ROUTE_NOT_FOUND');
  });

  it('a request without a key fails on the key before its body is judged', async () => {
    expectProblem(await h.call('POST', '/api/v1/problems/bulk', { body: { junk: true } }), 401, 'UNAUTHENTICATED');
  });

  it('a request outside the role fails on the role before its body is judged', async () => {
    expectProblem(await h.call('PUT', '/api/v1/settings', { key: h.keys.controller, body: { junk: true } }), 403, 'FORBIDDEN');
  });
});

import { on } from './fake-service';
import { CSV_BYTES, type Harness, INVOICE_ID, PDF_BYTES, PROBLEM_ID, reconRoutes, RUN_ID, sha256, startHarness, syncRoutes } from './gateway-harness';

const CONFLICT_ID = '11111111-1111-4111-8111-111111111111';
const SLOW_ID = '22222222-2222-4222-8222-222222222222';
const BROKEN_ID = '33333333-3333-4333-8333-333333333333';

describe('relaying the services, downloads, bulk actions, OpenAPI, /health and /metrics', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: { SERVICE_TIMEOUT_MS: '300', METRICS_REFRESH_MS: '1' },
      syncRoutes: [
        on('POST', `problems/${CONFLICT_ID}/mark-paid`, () => ({
          status: 409,
          headers: { 'content-type': 'application/problem+json' },
          body: { type: 't', title: 'Not allowed', status: 409, detail: 'only invoices can be marked paid', code: 'NOT_ALLOWED', internalStack: 'at secret.ts:1' },
        })),
        on('POST', `problems/${SLOW_ID}/resync`, () => ({ status: 200, body: {}, delayMs: 1_000 })),
        on('POST', `problems/${BROKEN_ID}/resync`, () => ({ status: 500, body: { detail: 'database password is hunter2' } })),
        ...syncRoutes(),
      ],
      reconRoutes: reconRoutes(),
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('relays a service’s 409 problem with its code and detail, trimmed to the problem fields', async () => {
    const res = await h.call('POST', `/api/v1/problems/${CONFLICT_ID}/mark-paid`, { key: h.keys.controller });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({ type: 't', title: 'Not allowed', status: 409, detail: 'only invoices can be marked paid', code: 'NOT_ALLOWED' });
  });

  it('a service 5xx is a 502 that says nothing of the service’s body', async () => {
    const res = await h.call('POST', `/api/v1/problems/${BROKEN_ID}/resync`, { key: h.keys.controller });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(res.text).not.toContain('hunter2');
  });

  it('a slow service is a 504, recorded in the audit trail as an unknown outcome', async () => {
    const res = await h.call('POST', `/api/v1/problems/${SLOW_ID}/resync`, { key: h.keys.controller });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    const audit = (await h.call('GET', '/api/v1/audit-events?limit=1', { key: h.keys.auditor })).body as { items: { outcome: string }[] };
    expect(audit.items[0].outcome).toBe('unknown:UPSTREAM_TIMEOUT');
  });

  it('bulk: one result per id, in order, each with the new state or why not', async () => {
    const res = await h.call('POST', '/api/v1/problems/bulk', { key: h.keys.controller, body: { action: 'mark-paid', ids: [PROBLEM_ID, CONFLICT_ID, '44444444-4444-4444-8444-444444444444'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      action: 'mark-paid',
      succeeded: 1,
      failed: 2,
      results: [
        { id: PROBLEM_ID, ok: true, status: 200, state: { sourceId: INVOICE_ID } },
        { id: CONFLICT_ID, ok: false, status: 409, error: { code: 'NOT_ALLOWED' } },
        { id: '44444444-4444-4444-8444-444444444444', ok: false, status: 404, error: { code: 'NOT_FOUND' } },
      ],
    });
    const audit = (await h.call('GET', '/api/v1/audit-events?action=problem.mark-paid&limit=3', { key: h.keys.auditor })).body as { items: { outcome: string }[] };
    expect(audit.items.map((e) => e.outcome).sort()).toEqual(['ok', 'rejected:404:NOT_FOUND', 'rejected:409:NOT_ALLOWED']);
  });

  it.each([
    ['pdf', PDF_BYTES, 'application/pdf'],
    ['csv', CSV_BYTES, 'text/csv'],
  ])('report.%s: the stored bytes, Content-Disposition and X-Content-SHA256 unchanged, the same on every download', async (format, bytes, type) => {
    const first = await h.call('GET', `/api/v1/reconciliations/${RUN_ID}/report.${format}`, { key: h.keys.auditor });
    const second = await h.call('GET', `/api/v1/reconciliations/${RUN_ID}/report.${format}`, { key: h.keys.auditor });
    expect(first.status).toBe(200);
    expect(first.bytes.equals(bytes as Buffer)).toBe(true);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(first.headers.get('content-type')).toContain(type as string);
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename="reconciliation-${RUN_ID}.${format}"`);
    expect(first.headers.get('x-content-sha256')).toBe(sha256(bytes as Buffer));
  });

  it('start a run: 202 { id } with a Location, passing asOf and agingBasis through', async () => {
    const res = await h.call('POST', '/api/v1/reconciliations', { key: h.keys.controller, body: { asOf: '2026-10-31' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: RUN_ID });
    expect(res.headers.get('location')).toBe(`/api/v1/reconciliations/${RUN_ID}`);
    expect(h.recon.calls.slice(-1)[0]).toMatchObject({ method: 'POST', path: 'reconciliations', body: { asOf: '2026-10-31' } });
  });

  it('jobs: a balance pull is recorded queued with its scope, and its progress is readable', async () => {
    const res = await h.call('POST', '/api/v1/invoices/balances/pull', { key: h.keys.controller, body: { filter: { status: 'approved', issuedFrom: '2026-10-01' } } });
    expect(res.status).toBe(202);
    const job = res.body as { id: string };
    expect(job).toMatchObject({ kind: 'balance_pull', state: 'queued', total: 0, done: 0, failed: 0, params: { filter: { status: 'approved', issuedFrom: '2026-10-01' } } });
    const empty = await h.call('POST', '/api/v1/invoices/balances/pull', { key: h.keys.controller });
    expect(empty.status).toBe(202);
    expect(empty.body).toMatchObject({ params: { all: true } });
    expect((await h.call('GET', `/api/v1/jobs/${job.id}`, { key: h.keys.auditor })).body).toMatchObject({ id: job.id, state: 'queued' });
  });

  it('serves the OpenAPI document generated from the code, and its UI', async () => {
    const doc = (await h.call('GET', '/api/docs-json')).body as { openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: { content: Record<string, { schema: { properties?: object; additionalProperties?: boolean } }> } }>> };
    expect(doc.openapi).toMatch(/^3\./);
    const bulk = doc.paths['/api/v1/problems/bulk']['post'];
    expect(bulk.security).toEqual([{ bearer: [] }]);
    expect(bulk.requestBody!.content['application/json'].schema).toMatchObject({ additionalProperties: false, properties: { action: { enum: ['resync', 'clear', 'mark-paid'] } } });
    const ui = await h.call('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('GET /health answers without a key', async () => {
    const res = await h.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { postgres: 'up' } });
  });

  it('GET /metrics: request counts and latencies by route template and status, and the per-tenant gauges', async () => {
    await h.call('GET', '/api/v1/problems', { key: h.keys.auditor });
    await h.call('GET', '/api/v1/problems', { key: h.keys.auditor });
    const res = await h.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/arbiter_gateway_http_requests_total\{method="GET",route="\/api\/v1\/problems",status="200"\} [2-9]/);
    expect(res.text).toMatch(/arbiter_gateway_http_request_duration_seconds_bucket\{le="0.05",method="GET",route="\/api\/v1\/problems",status="200"\}/);
    expect(res.text).toMatch(/route="\/api\/v1\/problems\/:id\/resync",status="504"/);
    expect(res.text).toMatch(/arbiter_open_problems\{tenant="acme"\} 1/);
    expect(res.text).toMatch(/arbiter_open_problems\{tenant="globex"\} 0/);
    expect(res.text).toMatch(/arbiter_last_reconciliation_timestamp_seconds\{tenant="acme"\} 1793491203/);
    expect(res.text).toMatch(/arbiter_last_reconciliation_in_sync\{tenant="acme"\} 0/);
    expect(res.text).not.toContain(h.keys.auditor);
  });
});

import { randomBytes } from 'node:crypto';
import { type Role, roleAllows } from '../src/auth/principal';
import { type Harness, INVOICE_ID, OTHER, OWN, PROBLEM_ID, RUN_ID, startHarness } from './gateway-harness';

interface Endpoint {
  method: string;
  /** `:job` and `:victim` are filled in once the harness has made them. */
  path: string;
  body?: unknown;
  role: Role;
  ok: number;
  /** What tenant globex's admin gets for the same path: 404 for acme's resources, the ok status for its own lists and actions. */
  other: number;
}

/** Every endpoint of CONTRACT.md §2 behind an API key (plus the gateway's additions), with its least role. */
const ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/api/v1/problems?status=open', role: 'auditor', ok: 200, other: 200 },
  { method: 'POST', path: '/api/v1/problems/bulk', body: { action: 'resync', ids: [PROBLEM_ID] }, role: 'controller', ok: 200, other: 200 },
  { method: 'POST', path: `/api/v1/problems/${PROBLEM_ID}/resync`, role: 'controller', ok: 200, other: 404 },
  { method: 'POST', path: `/api/v1/problems/${PROBLEM_ID}/clear`, role: 'controller', ok: 200, other: 404 },
  { method: 'POST', path: `/api/v1/problems/${PROBLEM_ID}/mark-paid`, role: 'controller', ok: 200, other: 404 },
  { method: 'GET', path: '/api/v1/invoices?issuedFrom=2026-10-01&issuedTo=2026-10-31', role: 'auditor', ok: 200, other: 200 },
  { method: 'GET', path: `/api/v1/invoices/${INVOICE_ID}`, role: 'auditor', ok: 200, other: 404 },
  { method: 'POST', path: `/api/v1/invoices/${INVOICE_ID}/push`, role: 'controller', ok: 202, other: 404 },
  { method: 'POST', path: '/api/v1/invoices/balances/pull', body: { invoiceIds: [INVOICE_ID] }, role: 'controller', ok: 202, other: 202 },
  { method: 'POST', path: '/api/v1/payments/import', body: { from: '2026-10-01', to: '2026-10-31' }, role: 'controller', ok: 202, other: 202 },
  { method: 'GET', path: '/api/v1/sync/status', role: 'auditor', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/jobs', role: 'auditor', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/jobs/:job', role: 'auditor', ok: 200, other: 404 },
  { method: 'PUT', path: `/api/v1/links/invoice/${INVOICE_ID}`, body: { qboId: '130' }, role: 'controller', ok: 200, other: 404 },
  { method: 'DELETE', path: `/api/v1/links/invoice/${INVOICE_ID}`, role: 'controller', ok: 200, other: 404 },
  { method: 'PUT', path: '/api/v1/export-flags', body: { sourceIds: [INVOICE_ID], export: false }, role: 'controller', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/in-sync-point', role: 'auditor', ok: 200, other: 200 },
  { method: 'PUT', path: '/api/v1/in-sync-point', body: { date: '2026-01-01' }, role: 'controller', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/mappings/customers/cust-1', role: 'controller', ok: 200, other: 404 },
  { method: 'PUT', path: '/api/v1/mappings/customers/cust-1', body: { qboId: '58' }, role: 'controller', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/settings', role: 'admin', ok: 200, other: 200 },
  { method: 'PUT', path: '/api/v1/settings', body: { autoPush: false }, role: 'admin', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/connections/quickbooks', role: 'admin', ok: 200, other: 200 },
  { method: 'GET', path: '/api/v1/connections/quickbooks/authorize', role: 'admin', ok: 302, other: 302 },
  { method: 'DELETE', path: '/api/v1/connections/quickbooks', role: 'admin', ok: 200, other: 200 },
  { method: 'POST', path: '/api/v1/reconciliations', body: { asOf: '2026-10-31', agingBasis: 'due_date' }, role: 'controller', ok: 202, other: 202 },
  { method: 'GET', path: '/api/v1/reconciliations', role: 'auditor', ok: 200, other: 200 },
  { method: 'GET', path: `/api/v1/reconciliations/${RUN_ID}?allCustomers=true`, role: 'auditor', ok: 200, other: 404 },
  { method: 'GET', path: `/api/v1/reconciliations/${RUN_ID}/discrepancies?kind=amount_mismatch`, role: 'auditor', ok: 200, other: 404 },
  { method: 'GET', path: `/api/v1/reconciliations/${RUN_ID}/report.pdf`, role: 'auditor', ok: 200, other: 404 },
  { method: 'GET', path: `/api/v1/reconciliations/${RUN_ID}/report.csv`, role: 'auditor', ok: 200, other: 404 },
  { method: 'GET', path: `/api/v1/reconciliations/${RUN_ID}/verify`, role: 'auditor', ok: 200, other: 404 },
  { method: 'GET', path: '/api/v1/audit-events', role: 'auditor', ok: 200, other: 200 },
  { method: 'POST', path: '/api/v1/api-keys', body: { role: 'auditor', name: 'matrix' }, role: 'admin', ok: 201, other: 201 },
  { method: 'GET', path: '/api/v1/api-keys', role: 'admin', ok: 200, other: 200 },
  { method: 'DELETE', path: '/api/v1/api-keys/:victim', role: 'admin', ok: 200, other: 404 },
];

const ROLES: Role[] = ['auditor', 'controller', 'admin'];
const label = (e: Endpoint) => `${e.method} ${e.path}`;

describe('authorisation matrix: every endpoint × role × tenant × key', () => {
  let h: Harness;
  let jobId: string;
  let victimId: string;
  let revokedKey: string;
  const fill = (path: string) => path.replace(':job', jobId).replace(':victim', victimId);

  beforeAll(async () => {
    h = await startHarness();
    const job = await h.call('POST', '/api/v1/payments/import', { key: h.keys.controller, body: { from: '2026-01-01', to: '2026-01-31' } });
    jobId = (job.body as { id: string }).id;
    const victim = await h.call('POST', '/api/v1/api-keys', { key: h.keys.admin, body: { role: 'auditor', name: 'victim' } });
    victimId = (victim.body as { id: string }).id;
    const revoked = await h.call('POST', '/api/v1/api-keys', { key: h.keys.admin, body: { role: 'admin', name: 'to be revoked' } });
    revokedKey = (revoked.body as { key: string }).key;
    expect((await h.call('DELETE', `/api/v1/api-keys/${(revoked.body as { id: string }).id}`, { key: h.keys.admin })).status).toBe(200);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('covers every /api/v1 operation of the OpenAPI document, and nothing else', async () => {
    const doc = (await h.call('GET', '/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ op: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), re: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) })));
    const uncovered = operations.filter((o) => !ENDPOINTS.some((e) => e.method === o.method && o.re.test(fill(e.path).split('?')[0]))).map((o) => o.op);
    expect(uncovered).toEqual([]);
    expect(operations).toHaveLength(ENDPOINTS.length);
  });

  describe.each(ENDPOINTS)('$method $path', (endpoint) => {
    it.each(ROLES)(`acme %s key: ${'ok or 403 by role'}`, async (role) => {
      const before = h.upstreamCalls();
      const res = await h.call(endpoint.method, fill(endpoint.path), { key: h.keys[role], body: endpoint.body });
      if (roleAllows(role, endpoint.role)) {
        expect({ endpoint: label(endpoint), status: res.status }).toEqual({ endpoint: label(endpoint), status: endpoint.ok });
        if (h.upstreamCalls() > before) {
          const last = [...h.sync.calls, ...h.recon.calls].slice(-1)[0];
          expect(last.tenantId).toBe(OWN);
        }
      } else {
        expect({ endpoint: label(endpoint), status: res.status }).toEqual({ endpoint: label(endpoint), status: 403 });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
        expect(h.upstreamCalls()).toBe(before);
      }
    });

    it('another tenant’s admin: its own scope only (404 for acme’s resources)', async () => {
      const res = await h.call(endpoint.method, fill(endpoint.path), { key: h.keys.otherAdmin, body: endpoint.body });
      expect({ endpoint: label(endpoint), status: res.status }).toEqual({ endpoint: label(endpoint), status: endpoint.other });
      if (endpoint.other === 404) expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      const items = (res.body as { items?: Record<string, unknown>[] } | undefined)?.items;
      if (items) {
        // Gateway-owned lists (jobs, keys, audit events): nothing of acme's. (globex's own rows may name the same
        // source ids, since it sent the same bodies; the services' lists are the fakes' and are empty for globex.)
        const leaked = JSON.stringify(items);
        for (const id of [jobId, victimId, h.keyIds.admin, h.keyIds.controller, h.keyIds.auditor]) expect(leaked).not.toContain(id);
      }
      if (endpoint.path === '/api/v1/problems/bulk') expect((res.body as { results: { status: number }[] }).results[0].status).toBe(404);
      for (const c of [...h.sync.calls, ...h.recon.calls]) expect([OWN, OTHER]).toContain(c.tenantId);
    });

    it.each([
      ['no Authorization header', null],
      ['an unknown well-formed key', `arb_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`],
      ['a malformed key', 'not-a-key'],
      ['a revoked key', 'REVOKED'],
    ])('%s: 401 and nothing reaches a service', async (_what, key) => {
      const before = h.upstreamCalls();
      const res = await h.call(endpoint.method, fill(endpoint.path), { key: key === 'REVOKED' ? revokedKey : key, body: endpoint.body });
      expect({ endpoint: label(endpoint), status: res.status }).toEqual({ endpoint: label(endpoint), status: 401 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(h.upstreamCalls()).toBe(before);
    });
  });

  it('Basic credentials are not an API key', async () => {
    const res = await h.call('GET', '/api/v1/problems', { headers: { authorization: `Basic ${Buffer.from(`x:${h.keys.admin}`).toString('base64')}` } });
    expect(res.status).toBe(401);
  });

  it('passes the caller and the internal token to the services', async () => {
    await h.call('POST', `/api/v1/problems/${PROBLEM_ID}/resync`, { key: h.keys.controller });
    const last = h.sync.calls[h.sync.calls.length - 1];
    expect(last.headers['x-arbiter-actor']).toBe(h.keyIds.controller);
    expect(last.headers['x-arbiter-role']).toBe('controller');
    expect(last.headers['authorization']).toBe(`Bearer ${h.config.INTERNAL_API_TOKEN}`);
  });
});

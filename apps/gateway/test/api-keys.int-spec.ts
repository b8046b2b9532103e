import { createHash } from 'node:crypto';
import { createApiKey } from '../src/api-keys/create-api-key';
import { type Harness, OWN, startHarness } from './gateway-harness';
import { runGatewayFromSource } from './run-gateway';

type Created = { id: string; key: string; role: string; name: string; tenantId: string };
type KeyList = { items: { id: string; revokedAt: string | null; name: string }[]; nextCursor: string | null };

describe('API keys: hashed at rest, one tenant and one role, created and revoked by admins', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('creates a key for the admin’s own tenant and shows it once; only its SHA-256 is stored', async () => {
    const res = await h.call('POST', '/api/v1/api-keys', { key: h.keys.admin, body: { role: 'controller', name: 'month-end robot' } });
    expect(res.status).toBe(201);
    const created = res.body as Created;
    expect(created).toMatchObject({ tenantId: OWN, role: 'controller', name: 'month-end robot', id: expect.stringMatching(/^ak_[0-9a-f]{12}$/) });
    expect(created.key).toMatch(/^arb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.slice(4, 16)).toBe(created.id.slice(3));
    const { rows } = await h.pg.query('select * from api_key where id = $1', [created.id]);
    expect(rows[0].key_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(17));
    const list = (await h.call('GET', '/api/v1/api-keys', { key: h.keys.admin })).body as KeyList;
    expect(list.items.map((k) => k.id)).toContain(created.id);
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect((await h.call('GET', '/api/v1/invoices', { key: created.key })).status).toBe(200);
    const audit = (await h.call('GET', '/api/v1/audit-events?action=api_key.created&limit=1', { key: h.keys.auditor })).text;
    expect(audit).toContain(created.id);
    expect(audit).not.toContain(created.key);
  });

  it('revocation takes effect at once, is idempotent and audited', async () => {
    const created = (await h.call('POST', '/api/v1/api-keys', { key: h.keys.admin, body: { role: 'auditor', name: 'temp' } })).body as Created;
    expect((await h.call('GET', '/api/v1/problems', { key: created.key })).status).toBe(200);
    const revoked = await h.call('DELETE', `/api/v1/api-keys/${created.id}`, { key: h.keys.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: created.id, revokedAt: expect.any(String), revokedBy: h.keyIds.admin });
    expect((await h.call('GET', '/api/v1/problems', { key: created.key })).status).toBe(401);
    expect((await h.call('DELETE', `/api/v1/api-keys/${created.id}`, { key: h.keys.admin })).body).toMatchObject({ revokedAt: (revoked.body as { revokedAt: string }).revokedAt });
    const list = (await h.call('GET', '/api/v1/api-keys?state=revoked', { key: h.keys.admin })).body as KeyList;
    expect(list.items.map((k) => k.id)).toContain(created.id);
    const audit = (await h.call('GET', `/api/v1/audit-events?action=api_key.revoked&targetId=${created.id}`, { key: h.keys.auditor })).body as { items: unknown[] };
    expect(audit.items).toHaveLength(1);
  });

  it('lists are cursor-paginated', async () => {
    for (let i = 0; i < 3; i++) await h.call('POST', '/api/v1/api-keys', { key: h.keys.admin, body: { role: 'auditor', name: `page ${i}` } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await h.call('GET', `/api/v1/api-keys?state=all&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: h.keys.admin })).body as KeyList;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((k) => k.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const { rows } = await h.pg.query('select count(*)::int as n from api_key where tenant_id = $1', [OWN]);
    expect(seen).toHaveLength(rows[0].n);
  });

  it('createApiKey is callable as a function (for the end-to-end suites) and audits as `cli`', async () => {
    const created = await createApiKey({ databaseUrl: h.db.url, tenantId: 'initech', role: 'auditor', name: 'e2e' });
    expect(created).toMatchObject({ tenantId: 'initech', role: 'auditor', name: 'e2e', createdBy: 'cli' });
    expect((await h.call('GET', '/api/v1/reconciliations', { key: created.key })).status).toBe(200);
    expect(h.recon.calls.slice(-1)[0].tenantId).toBe('initech');
    await expect(createApiKey({ databaseUrl: h.db.url, tenantId: 'bad:tenant', role: 'admin' })).rejects.toThrow();
  });

  it('the CLI prints a working key: main.ts api-key create --tenant --role --name', async () => {
    const cli = runGatewayFromSource(['api-key', 'create', '--tenant', OWN, '--role', 'auditor', '--name', 'from the CLI'], { DATABASE_URL: h.db.url });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toHaveLength(1);
    const key = cli.stdout[0];
    expect(key).toMatch(/^arb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(cli.stderr.join('\n')).not.toContain(key);
    expect((await h.call('GET', '/api/v1/audit-events', { key })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/settings', { key })).status).toBe(403);
  });

  it('the CLI refuses a bad role with exit 1 and usage errors with exit 2', async () => {
    const bad = runGatewayFromSource(['api-key', 'create', '--tenant', OWN, '--role', 'root'], { DATABASE_URL: h.db.url });
    expect(await bad.exited).toBe(1);
    expect(bad.stdout).toEqual([]);
    const usage = runGatewayFromSource(['api-key', 'make'], { DATABASE_URL: h.db.url });
    expect(await usage.exited).toBe(2);
  });
});

describe('rate limit per API key', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('the 6th call in a minute is a 429 problem with Retry-After; another key is unaffected; probes are never limited', async () => {
    for (let i = 0; i < 4; i++) expect((await h.call('GET', '/api/v1/problems', { key: h.keys.auditor })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/invoices', { key: h.keys.auditor })).status).toBe(200);
    const before = h.upstreamCalls();
    // The budget is the key's across endpoints: the 6th call is refused wherever it goes.
    const limited = await h.call('GET', '/api/v1/reconciliations', { key: h.keys.auditor });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(h.upstreamCalls()).toBe(before);
    expect((await h.call('GET', '/api/v1/problems', { key: h.keys.controller })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await h.call('GET', '/health')).status).toBe(200);
  });
});

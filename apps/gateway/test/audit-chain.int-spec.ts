import { AuditLog } from '../src/audit/audit-log';
import { on } from './fake-service';
import { type Harness, OTHER, OWN, PDF_BYTES, PROBLEM_ID, reconRoutes, RUN_ID, sha256, startHarness } from './gateway-harness';

type Verify = { valid: boolean; reportSha256: string; chainHead: string; chain: { valid: boolean; length: number; brokenAt?: number; reason?: string } };
type AuditPage = { items: { seq: number; action: string; actor: { keyId: string; role: string }; target: { type: string; id: string }; after: unknown; outcome: string; hash: string; prevHash: string }[]; nextCursor: string | null };

describe('audit trail: every action in a per-tenant hash chain; verify detects tampering', () => {
  let h: Harness;
  const verify = async () => (await h.call('GET', `/api/v1/reconciliations/${RUN_ID}/verify`, { key: h.keys.auditor })).body as Verify;
  /** A privileged tamper: the append-only trigger is bypassed, as a table owner could. */
  const tamper = async (sql: string, params: unknown[] = []) => {
    await h.pg.query('begin');
    await h.pg.query('set local session_replication_role = replica');
    await h.pg.query(sql, params);
    await h.pg.query('commit');
  };

  /** What the fake recon-service answers as the report's hash on verify. */
  let reportHash = sha256(PDF_BYTES);

  beforeEach(async () => {
    reportHash = sha256(PDF_BYTES);
    h = await startHarness({
      reconRoutes: [on('GET', 'reconciliations/:id/verify', () => ({ status: 200, body: { valid: true, reportSha256: reportHash, dataSha256: sha256('data') } })), ...reconRoutes()],
    });
    for (let i = 0; i < 3; i++) expect((await h.call('POST', `/api/v1/problems/${PROBLEM_ID}/resync`, { key: h.keys.controller })).status).toBe(200);
    expect((await h.call('PUT', '/api/v1/settings', { key: h.keys.admin, body: { autoPush: false } })).status).toBe(200);
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('records who, role, what, target, before/after and outcome, newest first, cursor-paginated', async () => {
    const first = (await h.call('GET', '/api/v1/audit-events?limit=2', { key: h.keys.auditor })).body as AuditPage;
    expect(first.items).toHaveLength(2);
    expect(first.items[0]).toMatchObject({ action: 'settings.updated', actor: { keyId: h.keyIds.admin, role: 'admin' }, target: { type: 'settings', id: OWN }, outcome: 'ok' });
    expect(first.items[0]).toMatchObject({ before: { autoPush: true }, after: { autoPush: false } });
    expect(first.items[1]).toMatchObject({ action: 'problem.resync', actor: { keyId: h.keyIds.controller, role: 'controller' }, target: { type: 'problem', id: PROBLEM_ID } });
    expect(first.items[0].prevHash).toBe(first.items[1].hash);
    const rest = (await h.call('GET', `/api/v1/audit-events?limit=500&cursor=${first.nextCursor}`, { key: h.keys.auditor })).body as AuditPage;
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((e) => e.seq)).toEqual([...Array(first.items.length + rest.items.length).keys()].map((i) => first.items[0].seq - i));
    const filtered = (await h.call('GET', '/api/v1/audit-events?action=problem.resync', { key: h.keys.auditor })).body as AuditPage;
    expect(filtered.items).toHaveLength(3);
  });

  it('a refused action is recorded with its outcome', async () => {
    await h.call('POST', '/api/v1/problems/00000000-0000-4000-8000-000000000000/clear', { key: h.keys.controller });
    const page = (await h.call('GET', '/api/v1/audit-events?limit=1', { key: h.keys.auditor })).body as AuditPage;
    expect(page.items[0]).toMatchObject({ action: 'problem.clear', outcome: 'rejected:404:NOT_FOUND' });
  });

  it('verify: valid when nothing was touched; chainHead is the last event’s hash', async () => {
    const head = ((await h.call('GET', '/api/v1/audit-events?limit=1', { key: h.keys.auditor })).body as AuditPage).items[0].hash;
    const result = await verify();
    expect(result).toMatchObject({ valid: true, chainHead: head, chain: { valid: true } });
    expect(result.reportSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the log is append-only for the application: UPDATE and DELETE are refused by the database', async () => {
    await expect(h.pg.query(`update audit_event set outcome = 'ok' where seq = 2`)).rejects.toThrow(/append-only/);
    await expect(h.pg.query(`delete from audit_event where seq = 2`)).rejects.toThrow(/append-only/);
  });

  it('an altered row is detected (UPDATE in SQL)', async () => {
    await tamper(`update audit_event set actor_key_id = 'ak_000000000000' where tenant_id = $1 and seq = 3`, [OWN]);
    const result = await verify();
    expect(result.valid).toBe(false);
    expect(result.chain).toMatchObject({ valid: false, brokenAt: 3, reason: expect.stringMatching(/altered/) });
  });

  it('an altered before/after payload is detected', async () => {
    await tamper(`update audit_event set after = replace(after, 'false', 'true') where tenant_id = $1 and action = 'settings.updated'`, [OWN]);
    expect((await verify()).chain).toMatchObject({ valid: false, reason: expect.stringMatching(/altered/) });
  });

  it('a removed row in the middle is detected', async () => {
    await tamper(`delete from audit_event where tenant_id = $1 and seq = 3`, [OWN]);
    expect((await verify()).chain).toMatchObject({ valid: false, brokenAt: 3, reason: expect.stringMatching(/missing/) });
  });

  it('a removed last row is detected (the head remembers the length)', async () => {
    const { rows } = await h.pg.query(`select max(seq)::int as last from audit_event where tenant_id = $1`, [OWN]);
    await tamper(`delete from audit_event where tenant_id = $1 and seq = $2`, [OWN, rows[0].last]);
    expect((await verify()).chain).toMatchObject({ valid: false, reason: expect.stringMatching(/removed/) });
  });

  it('two rows swapped (reordered) are detected', async () => {
    await tamper(`update audit_event set seq = -1 where tenant_id = $1 and seq = 3`, [OWN]);
    await tamper(`update audit_event set seq = 3 where tenant_id = $1 and seq = 4`, [OWN]);
    await tamper(`update audit_event set seq = 4 where tenant_id = $1 and seq = -1`, [OWN]);
    expect((await verify()).chain).toMatchObject({ valid: false, brokenAt: 3 });
  });

  it('a row recomputed with a fresh hash still breaks the link to the next row', async () => {
    const { createHash } = await import('node:crypto');
    await tamper(`update audit_event set hash = $2 where tenant_id = $1 and seq = 2`, [OWN, createHash('sha256').update('forged').digest('hex')]);
    expect((await verify()).chain).toMatchObject({ valid: false, brokenAt: 2 });
  });

  it('chains are per tenant: tampering with one tenant’s log leaves the other’s valid', async () => {
    await h.call('GET', '/api/v1/api-keys', { key: h.keys.otherAdmin });
    await tamper(`update audit_event set outcome = 'ok!' where tenant_id = $1 and seq = 2`, [OWN]);
    expect((await verify()).valid).toBe(false);
    const other = await h.call('GET', '/api/v1/audit-events', { key: h.keys.otherAdmin });
    expect((other.body as AuditPage).items.every((e) => e.actor.keyId !== h.keyIds.admin)).toBe(true);
    expect(await h.gateway.app.get(AuditLog).verify(OTHER)).toMatchObject({ valid: true, length: 1 });
  });

  it('a report hash that changes after it was first verified makes verify invalid (report and stored hash replaced together)', async () => {
    expect((await verify()).valid).toBe(true);
    reportHash = sha256('a different report');
    const result = await verify();
    expect(result).toMatchObject({ valid: false, reportSha256: reportHash, chain: { valid: true }, report: { valid: true, matchesFirstVerified: false } });
  });

  it('concurrent actions of one tenant keep a gapless chain', async () => {
    await Promise.all(Array.from({ length: 20 }, () => h.call('POST', `/api/v1/problems/${PROBLEM_ID}/resync`, { key: h.keys.controller })));
    const result = await verify();
    // 3 keys created + 3 resyncs + 1 settings change, then 20 more.
    expect(result.chain).toMatchObject({ valid: true, length: 3 + 3 + 1 + 20 });
  });
});

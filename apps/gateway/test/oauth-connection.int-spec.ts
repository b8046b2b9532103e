import { createHash } from 'node:crypto';
import { on } from './fake-service';
import { type Harness, OWN, startHarness, syncRoutes } from './gateway-harness';

type Status = { state: string; realmId?: string; lastError?: string };

describe('QuickBooks connection: CSRF state bound to the caller, single use, relayed to the sync-service', () => {
  let h: Harness;
  let exchangeAnswer: { status: number; body: unknown } = { status: 200, body: { realmId: '9130357' } };
  let connection: Status = { state: 'disconnected' };

  const authorize = async () => {
    const res = await h.call('GET', '/api/v1/connections/quickbooks/authorize', { key: h.keys.admin });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect((res.body as { url: string }).url).toBe(location.toString());
    return location.searchParams.get('state')!;
  };
  const status = async () => (await h.call('GET', '/api/v1/connections/quickbooks', { key: h.keys.admin })).body as Status;

  beforeAll(async () => {
    h = await startHarness({
      env: { OAUTH_STATE_TTL_SECONDS: '60' },
      syncRoutes: [on('POST', 'connection/exchange', () => exchangeAnswer), on('GET', 'connection', () => ({ status: 200, body: connection })), ...syncRoutes()],
    });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    exchangeAnswer = { status: 200, body: { realmId: '9130357' } };
    connection = { state: 'disconnected' };
  });

  it('authorize: 302 to the consent page with a fresh high-entropy state; only its SHA-256 is stored, bound to tenant and key', async () => {
    const state = await authorize();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await h.pg.query('select * from oauth_state where tenant_id = $1 order by created_at desc limit 1', [OWN]);
    expect(rows[0]).toMatchObject({ state_hash: createHash('sha256').update(state).digest('hex'), key_id: h.keyIds.admin, role: 'admin', used_at: null });
    expect(JSON.stringify(rows)).not.toContain(state);
    expect(await status()).toMatchObject({ state: 'connecting' });
  });

  it('callback: relays the callback URL and state to the sync-service as the admin who started, answers connected, and burns the state', async () => {
    const state = await authorize();
    const query = `code=AB11570127472&state=${encodeURIComponent(state)}&realmId=9130357`;
    const res = await h.call('GET', `/oauth/quickbooks/callback?${query}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ state: 'connected', tenantId: OWN, realmId: '9130357' });
    const exchange = h.sync.calls.filter((c) => c.path === 'connection/exchange').slice(-1)[0];
    expect(exchange.tenantId).toBe(OWN);
    expect(exchange.body).toEqual({ callbackUrl: `${h.config.QBO_REDIRECT_URI}?${query}`, state });
    expect(exchange.headers['x-arbiter-actor']).toBe(h.keyIds.admin);
    const again = await h.call('GET', `/oauth/quickbooks/callback?${query}`);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'INVALID_OAUTH_STATE' });
    const audit = (await h.call('GET', '/api/v1/audit-events?action=connection.connected', { key: h.keys.auditor })).body as { items: { outcome: string; actor: { keyId: string } }[] };
    expect(audit.items[0]).toMatchObject({ outcome: 'ok', actor: { keyId: h.keyIds.admin } });
  });

  it('authorize?redirect=false answers 200 { url } for browser apps', async () => {
    const res = await h.call('GET', '/api/v1/connections/quickbooks/authorize?redirect=false', { key: h.keys.admin });
    expect(res.status).toBe(200);
    expect(new URL((res.body as { url: string }).url).searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('callback answers a small HTML page to a browser', async () => {
    const state = await authorize();
    const res = await h.call('GET', `/oauth/quickbooks/callback?code=x&state=${state}&realmId=9130357`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('QuickBooks connected');
  });

  it.each([
    ['an unknown state', 'code=x&state=' + 'A'.repeat(43)],
    ['no state', 'code=x&realmId=1'],
  ])('%s → 400 INVALID_OAUTH_STATE and nothing relayed', async (_what, query) => {
    const before = h.sync.calls.length;
    const res = await h.call('GET', `/oauth/quickbooks/callback?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_OAUTH_STATE' });
    expect(h.sync.calls.length).toBe(before);
  });

  it('an expired state is refused', async () => {
    const state = await authorize();
    await h.pg.query(`update oauth_state set expires_at = now() - interval '1 second' where state_hash = $1`, [createHash('sha256').update(state).digest('hex')]);
    const res = await h.call('GET', `/oauth/quickbooks/callback?code=x&state=${state}&realmId=1`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_OAUTH_STATE' });
  });

  it('the user declining consent → 400 OAUTH_DENIED, and the status shows error with the reason', async () => {
    const state = await authorize();
    const res = await h.call('GET', `/oauth/quickbooks/callback?error=access_denied&state=${state}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'OAUTH_DENIED' });
    expect(await status()).toMatchObject({ state: 'error', lastError: expect.stringContaining('access_denied') });
  });

  it('a failed code exchange is relayed, and the status shows error', async () => {
    exchangeAnswer = { status: 400, body: { type: 'x', title: 'Invalid', status: 400, detail: 'the authorization code was refused by QuickBooks', code: 'INVALID' } };
    const state = await authorize();
    const res = await h.call('GET', `/oauth/quickbooks/callback?code=x&state=${state}&realmId=1`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID', detail: 'the authorization code was refused by QuickBooks' });
    expect(await status()).toMatchObject({ state: 'error', lastError: 'the authorization code was refused by QuickBooks' });
  });

  it('connected comes from the sync-service; disconnect relays, is audited and withdraws outstanding consents', async () => {
    connection = { state: 'connected', realmId: '9130357' };
    expect(await status()).toMatchObject({ state: 'connected', realmId: '9130357' });
    await authorize();
    connection = { state: 'disconnected' };
    const res = await h.call('DELETE', '/api/v1/connections/quickbooks', { key: h.keys.admin });
    expect(res.status).toBe(200);
    expect(h.sync.calls.slice(-1)[0]).toMatchObject({ method: 'DELETE', path: 'connection', tenantId: OWN });
    expect(await status()).toEqual({ state: 'disconnected' });
  });

  it('a state minted for one tenant connects that tenant only, whoever follows the link', async () => {
    const state = await authorize();
    await h.call('GET', `/oauth/quickbooks/callback?code=x&state=${state}&realmId=1`, { key: h.keys.otherAdmin });
    expect(h.sync.calls.filter((c) => c.path === 'connection/exchange').slice(-1)[0].tenantId).toBe(OWN);
  });
});

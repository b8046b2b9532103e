import { Harness, createCustomer, salesLine, startSandbox } from './sandbox-harness';

describe('fault injection (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.close());
  afterEach(async () => {
    await h.control('DELETE', '/faults');
  });

  const count = async (entity: string, realm: { realmId: string; token: string }) =>
    (await h.qbo('GET', `/query?query=${encodeURIComponent(`select count(*) from ${entity}`)}`, undefined, realm)).json.QueryResponse.totalCount as number;

  it('answers 5xx by status: 500 as a SystemFault, 502/503/504 as gateway HTML; nothing is written', async () => {
    const realm = await h.newRealm();
    const rule = await h.control('POST', `/realms/${realm.realmId}/faults`, { kind: 'status', status: 503, count: 1 });
    expect(rule.json).toMatchObject({ id: expect.any(String), kind: 'status', status: 503, remaining: 1 });
    const res = await h.qbo('POST', '/customer', { DisplayName: 'Never Written' }, realm);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await count('Customer', realm)).toBe(0);
    expect((await h.qbo('POST', '/customer', { DisplayName: 'Written' }, realm)).status).toBe(200);

    await h.control('POST', '/faults', { kind: 'status', status: 500, count: 1, realmId: realm.realmId });
    const sys = await h.qbo('GET', `/companyinfo/${realm.realmId}`, undefined, realm);
    expect(sys.status).toBe(500);
    expect(sys.json.Fault).toMatchObject({ type: 'SystemFault', Error: [{ code: '10000' }] });
    expect((await h.control('GET', `/realms/${realm.realmId}/stats`)).json.injectedFaults).toBe(2);
  });

  it('fires at a seeded rate, and only for matching method and path', async () => {
    const realm = await h.newRealm();
    await h.control('POST', `/realms/${realm.realmId}/faults`, { kind: 'status', status: 502, rate: 0.5, seed: 42, method: 'GET', pathContains: '/companyinfo' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) statuses.push((await h.qbo('GET', `/companyinfo/${realm.realmId}`, undefined, realm)).status);
    const failed = statuses.filter((s) => s === 502).length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
    expect((await h.qbo('GET', '/preferences', undefined, realm)).status).toBe(200);
  });

  it('injects 429 bursts with the throttle fault', async () => {
    const realm = await h.newRealm();
    await h.control('POST', `/realms/${realm.realmId}/faults`, { kind: 'throttle', count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await h.qbo('GET', '/preferences', undefined, realm));
    expect(statuses.map((s) => s.status)).toEqual([429, 429, 200]);
    expect(statuses[0].json.Fault.Error[0].code).toBe('3001');
  });

  it('adds latency', async () => {
    const realm = await h.newRealm();
    await h.control('POST', `/realms/${realm.realmId}/faults`, { kind: 'latency', latencyMs: 250, count: 1 });
    const started = Date.now();
    expect((await h.qbo('GET', '/preferences', undefined, realm)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('drops the response after a committed write; a retry with the same requestid gets the original answer and no duplicate', async () => {
    const realm = await h.newRealm();
    const c = await createCustomer(h, 'Dropped Reply', {}, realm);
    await h.control('POST', `/realms/${realm.realmId}/faults`, { kind: 'drop', count: 1, pathContains: '/invoice' });
    const body = { CustomerRef: { value: c.Id }, Line: [salesLine('12.00')] };
    await expect(h.qbo('POST', '/invoice?requestid=drop-1', body, realm)).rejects.toThrow();
    expect(await count('Invoice', realm)).toBe(1); // committed although the client never heard back
    const retry = await h.qbo('POST', '/invoice?requestid=drop-1', body, realm);
    expect(retry.status).toBe(200);
    expect(retry.json.Invoice.TotalAmt).toBe(12);
    expect(await count('Invoice', realm)).toBe(1);
    const stats = (await h.control('GET', `/realms/${realm.realmId}/stats`)).json;
    expect(stats).toMatchObject({ droppedResponses: 1, replays: 1 });
  });

  it('lists and removes rules; invalid rules are refused', async () => {
    const a = await h.control('POST', '/faults', { kind: 'latency', latencyMs: 1 });
    await h.control('POST', '/faults', { kind: 'throttle', durationMs: 1000 });
    expect((await h.control('GET', '/faults')).json.faults).toHaveLength(2);
    expect((await h.control('DELETE', `/faults/${a.json.id}`)).status).toBe(200);
    expect((await h.control('GET', '/faults')).json.faults).toHaveLength(1);
    expect((await h.control('POST', '/faults', { kind: 'status', status: 404 })).status).toBe(400);
    expect((await h.control('POST', '/faults', { kind: 'nope' })).status).toBe(400);
    expect((await h.control('POST', '/faults', { kind: 'status', status: 500, rate: 2 })).status).toBe(400);
  });

  it('expires every access token now → 401 / 3200', async () => {
    const realm = await h.newRealm();
    expect((await h.qbo('GET', '/preferences', undefined, realm)).status).toBe(200);
    await h.control('POST', '/tokens/expire', { realmId: realm.realmId });
    const res = await h.qbo('GET', '/preferences', undefined, realm);
    expect(res.status).toBe(401);
    expect(res.json.fault.error[0].code).toBe('3200');
    expect((await h.qbo('GET', '/preferences')).status).toBe(200); // other realms keep theirs
  });
});

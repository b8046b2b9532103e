import { Harness, startSandbox } from './sandbox-harness';

describe('throttling: 500 requests/min and 10 in flight per realm → 429 / 3001 (HTTP)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox({ QBO_LIMITS_ENABLED: 'true' });
  });
  afterAll(() => h.close());
  afterEach(async () => {
    await h.control('DELETE', '/faults');
    await h.control('POST', '/clock', { advanceSeconds: 61 }); // empty every window before the next test
  });

  const info = (realm: { realmId: string; token: string }) => h.qbo('GET', `/companyinfo/${realm.realmId}`, undefined, realm);

  /** Runs `total` requests with at most `width` at a time (below the in-flight limit). */
  async function runPool(total: number, width: number, call: () => Promise<{ status: number }>): Promise<number[]> {
    const statuses: number[] = [];
    let started = 0;
    const worker = async () => {
      while (started < total) {
        started += 1;
        statuses.push((await call()).status);
      }
    };
    await Promise.all(Array.from({ length: width }, worker));
    return statuses;
  }

  it('the 501st request within a minute is throttled with the real fault shape; other realms are unaffected', async () => {
    const realm = await h.newRealm();
    const other = await h.newRealm();
    const statuses = await runPool(500, 6, () => info(realm));
    expect(statuses.filter((s) => s === 200)).toHaveLength(500);
    const throttled = await info(realm);
    expect(throttled.status).toBe(429);
    expect(throttled.json).toEqual({
      Fault: {
        Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001', element: '' }],
        type: 'SERVICE',
      },
      time: expect.any(String),
    });
    expect((await info(other)).status).toBe(200);
    const stats = await h.control('GET', `/realms/${realm.realmId}/stats`);
    expect(stats.json.throttled).toBe(1);
    // the window slides: a minute later the realm is served again
    await h.control('POST', '/clock', { advanceSeconds: 61 });
    expect((await info(realm)).status).toBe(200);
  });

  it('more than 10 requests in flight for one realm → 429 for the excess', async () => {
    const realm = await h.newRealm();
    await h.control('POST', `/realms/${realm.realmId}/faults`, { kind: 'latency', latencyMs: 800 });
    const results = await Promise.all(Array.from({ length: 12 }, () => info(realm)));
    const ok = results.filter((r) => r.status === 200).length;
    const throttled = results.filter((r) => r.status === 429);
    expect(ok).toBe(10);
    expect(throttled).toHaveLength(2);
    expect(throttled[0].json.Fault.Error[0].code).toBe('3001');
  });

  it('limits are configurable per realm and globally, and can be switched off', async () => {
    const realm = await h.newRealm();
    const set = await h.control('PUT', `/realms/${realm.realmId}/limits`, { requestsPerMinute: 3 });
    expect(set.json).toMatchObject({ requestsPerMinute: 3, maxInFlight: 10, enabled: true });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await info(realm)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    await h.control('PUT', `/realms/${realm.realmId}/limits`, { enabled: false });
    expect((await info(realm)).status).toBe(200);
    await h.control('DELETE', `/realms/${realm.realmId}/limits`);

    const global = await h.control('PUT', '/limits', { requestsPerMinute: 2 });
    expect(global.json.requestsPerMinute).toBe(2);
    const fresh = await h.newRealm();
    expect([(await info(fresh)).status, (await info(fresh)).status, (await info(fresh)).status]).toEqual([200, 200, 429]);
    await h.control('PUT', '/limits', { requestsPerMinute: 500 });
  });

  it('batch items use the per-minute budget one by one, and batch requests have their own per-minute limit', async () => {
    const realm = await h.newRealm();
    await h.control('PUT', `/realms/${realm.realmId}/limits`, { requestsPerMinute: 10, batchPerMinute: 2 });
    const batch = (n: number) => h.qbo('POST', '/batch', { BatchItemRequest: Array.from({ length: n }, (_, i) => ({ bId: `q${i}`, Query: 'select * from Term' })) }, realm);
    expect((await batch(8)).status).toBe(200);
    expect((await batch(3)).status).toBe(429); // 8 + 3 > 10
    expect((await batch(2)).status).toBe(200);
    expect((await batch(1)).status).toBe(429); // third batch this minute
  });
});

import { signIntuitPayload } from '../src/webhooks/webhook-signature';
import { type Harness, startHarness } from './gateway-harness';

const LEGACY = JSON.stringify({
  eventNotifications: [
    { realmId: '9130357', dataChangeEvent: { entities: [{ name: 'Invoice', id: '129', operation: 'Update', lastUpdated: '2026-10-31T17:04:05.123Z' }, { name: 'Payment', id: '77', operation: 'Create', lastUpdated: '2026-10-31T17:04:06Z' }] } },
  ],
});
const CLOUD_EVENTS = JSON.stringify([
  { specversion: '1.0', id: '88cd52aa-33b6-4351-9aa4-47572edbd068', source: 'intuit.x', type: 'qbo.invoice.voided.v1', time: '2026-10-31T21:31:25.179Z', intuitentityid: '1234', intuitaccountid: '9130357', data: {} },
]);

describe('POST /webhooks/quickbooks: intuit-signature over the raw body', () => {
  let h: Harness;
  const deliveries = async () => (await h.pg.query('select realm_ids, entity_count, payload, intuit_tid, processed_at from webhook_delivery order by id')).rows;
  const post = (body: string, signature: string | undefined, extra: Record<string, string> = {}) =>
    h.call('POST', '/webhooks/quickbooks', { rawBody: body, headers: { 'content-type': 'application/json; charset=utf-8', ...(signature ? { 'intuit-signature': signature } : {}), ...extra } });

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('accepts a correctly signed legacy notification, answers 200 and records it unprocessed for the pull path', async () => {
    const res = await post(LEGACY, signIntuitPayload(LEGACY, h.config.QBO_WEBHOOK_VERIFIER_TOKEN), { 'intuit-t-id': 'tid-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });
    const [row] = (await deliveries()).slice(-1);
    expect(row).toMatchObject({ realm_ids: ['9130357'], entity_count: 2, payload: LEGACY, intuit_tid: 'tid-1', processed_at: null });
  });

  it('accepts a signed CloudEvents array', async () => {
    const res = await post(CLOUD_EVENTS, signIntuitPayload(CLOUD_EVENTS, h.config.QBO_WEBHOOK_VERIFIER_TOKEN));
    expect(res.status).toBe(200);
    expect((await deliveries()).slice(-1)[0]).toMatchObject({ realm_ids: ['9130357'], entity_count: 1 });
  });

  it('verifies the bytes as sent: whitespace the JSON parser would drop still counts', async () => {
    const spaced = `{ "eventNotifications" : [ ] }\n`;
    expect((await post(spaced, signIntuitPayload(spaced, h.config.QBO_WEBHOOK_VERIFIER_TOKEN))).status).toBe(200);
    expect((await post(spaced, signIntuitPayload(JSON.stringify(JSON.parse(spaced)), h.config.QBO_WEBHOOK_VERIFIER_TOKEN))).status).toBe(401);
  });

  it.each([
    ['no signature', undefined],
    ['a signature with another token', signIntuitPayload(LEGACY, 'not-the-verifier')],
    ['a signature of another body', signIntuitPayload(LEGACY + ' ', 'test-verifier-token')],
    ['a truncated signature', signIntuitPayload(LEGACY, 'test-verifier-token').slice(0, 20)],
    ['garbage', '!!!!'],
  ])('%s → 401 problem+json, nothing recorded', async (_what, signature) => {
    const before = (await deliveries()).length;
    const res = await post(LEGACY, signature);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
    expect(await deliveries()).toHaveLength(before);
  });

  it('a signed body that is not JSON is acknowledged (Intuit would retry forever) and kept with a parse error', async () => {
    const body = 'not json at all';
    expect((await post(body, signIntuitPayload(body, h.config.QBO_WEBHOOK_VERIFIER_TOKEN))).status).toBe(200);
    const { rows } = await h.pg.query(`select parse_error from webhook_delivery where payload = $1`, [body]);
    expect(rows[0].parse_error).toMatch(/not JSON/);
  });

  it('a body over the webhook limit is refused with 413', async () => {
    const big = JSON.stringify({ eventNotifications: [], pad: 'x'.repeat(h.config.WEBHOOK_BODY_LIMIT_BYTES) });
    const res = await post(big, signIntuitPayload(big, h.config.QBO_WEBHOOK_VERIFIER_TOKEN));
    expect(res.status).toBe(413);
  });

  it('needs no API key, and an API key does not replace the signature', async () => {
    const res = await h.call('POST', '/webhooks/quickbooks', { key: h.keys.admin, rawBody: LEGACY, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
  });

  it('counts deliveries by outcome in /metrics', async () => {
    const text = (await h.call('GET', '/metrics')).text;
    expect(text).toMatch(/arbiter_gateway_webhooks_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/arbiter_gateway_webhooks_total\{outcome="rejected"\} [1-9]/);
  });
});

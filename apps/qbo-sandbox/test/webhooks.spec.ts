import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Harness, VERIFIER_TOKEN, createCustomer, createInvoice, startSandbox } from './sandbox-harness';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  status: number;
}

/** A webhook endpoint on 127.0.0.1:0 that records what it receives and answers with scripted statuses. */
class Receiver {
  readonly received: Received[] = [];
  /** Statuses for the next deliveries, in order; 200 afterwards. "hang" never answers. */
  script: (number | 'hang')[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const next = this.script.shift() ?? 200;
        this.received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), status: next === 'hang' ? 0 : next });
        if (next === 'hang') return; // the sandbox times out
        res.statusCode = next;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/webhooks/quickbooks`;
  }

  async waitFor(n: number, timeoutMs = 5000): Promise<Received[]> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > until) throw new Error(`received ${this.received.length} of ${n} deliveries`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.received;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

const verify = (raw: string, signature: string | string[] | undefined) => {
  const expected = createHmac('sha256', VERIFIER_TOKEN).update(raw).digest();
  const given = Buffer.from(String(signature), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

describe('webhooks (HTTP)', () => {
  let h: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = new Receiver();
    await receiver.start();
    h = await startSandbox({
      QBO_WEBHOOK_URL: receiver.url,
      QBO_WEBHOOK_BATCH_WINDOW_MS: '30',
      QBO_WEBHOOK_RETRY_SCHEDULE_MS: '50,100',
      QBO_WEBHOOK_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.script = [];
    await h.control('PUT', '/webhooks', { format: 'legacy', maxAttempts: 20 });
    await h.control('DELETE', '/webhooks/deliveries');
  });

  it('sends a signed legacy eventNotifications payload the verifier token verifies (raw body HMAC-SHA256, base64)', async () => {
    const c = await createCustomer(h, 'Webhook Customer');
    const inv = await createInvoice(h, c.Id, ['10']);
    await h.control('POST', '/webhooks/flush');
    const [first] = await receiver.waitFor(1);
    expect(verify(first.raw, first.headers['intuit-signature'])).toBe(true);
    expect(verify(`${first.raw} `, first.headers['intuit-signature'])).toBe(false);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['intuit-notification-schema-version']).toBe('0.1');
    expect(first.headers['intuit-t-id']).toBeTruthy();
    const body = JSON.parse(first.raw);
    expect(body.eventNotifications).toHaveLength(1);
    expect(body.eventNotifications[0].realmId).toBe(h.realmId);
    // the two changes may fall into one notification or two, depending on the batch window
    const entities = receiver.received.flatMap((r) => JSON.parse(r.raw).eventNotifications[0].dataChangeEvent.entities);
    expect(entities).toEqual([
      { name: 'Customer', id: c.Id, operation: 'Create', lastUpdated: expect.any(String) },
      { name: 'Invoice', id: inv.Id, operation: 'Create', lastUpdated: expect.any(String) },
    ]);
  });

  it('notifies Update, Void and Delete; a payment also updates the invoice it pays', async () => {
    const c = await createCustomer(h, 'Ops Customer');
    const inv = await createInvoice(h, c.Id, ['10']);
    await receiver.waitFor(1);
    receiver.received.length = 0;
    const pay = await h.qbo('POST', '/payment', { CustomerRef: { value: c.Id }, TotalAmt: 4, Line: [{ Amount: 4, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }] });
    const p = pay.json.Payment;
    await h.qbo('POST', '/payment?operation=delete', { Id: p.Id, SyncToken: p.SyncToken });
    const now = (await h.qbo('GET', `/invoice/${inv.Id}`)).json.Invoice;
    await h.qbo('POST', '/invoice?operation=void', { Id: inv.Id, SyncToken: now.SyncToken });
    await h.control('POST', '/webhooks/flush');
    const entities = receiver.received.flatMap((r) => JSON.parse(r.raw).eventNotifications[0].dataChangeEvent.entities);
    expect(entities.map((e: { name: string; operation: string }) => `${e.name}.${e.operation}`)).toEqual([
      'Payment.Create',
      'Invoice.Update',
      'Payment.Delete',
      'Invoice.Update',
      'Invoice.Void',
    ]);
  });

  it('retries a failed delivery with backoff until it is acknowledged, holding later ones back', async () => {
    receiver.script = [500, 503];
    const first = await createCustomer(h, 'Retry Customer');
    await receiver.waitFor(1);
    await createCustomer(h, 'Behind Retry'); // queued behind the failing one
    await receiver.waitFor(4, 5000);
    const order = receiver.received.map((r) => JSON.parse(r.raw).eventNotifications[0].dataChangeEvent.entities[0].id);
    expect(order.slice(0, 3)).toEqual([first.Id, first.Id, first.Id]);
    expect(receiver.received.map((r) => r.status)).toEqual([500, 503, 200, 200]);
    expect(receiver.received[2].raw).toBe(receiver.received[0].raw); // the same signed body is re-sent
    const log = (await h.control('GET', '/webhooks/deliveries')).json.deliveries;
    expect(log[0].attempts.map((a: { status: number }) => a.status)).toEqual([500, 503, 200]);
    expect(log[0].state).toBe('delivered');
  });

  it('treats no answer within the timeout as a failure and gives up after maxAttempts', async () => {
    await h.control('PUT', '/webhooks', { maxAttempts: 2 });
    receiver.script = ['hang', 500];
    await createCustomer(h, 'Timeout Customer');
    await receiver.waitFor(2, 5000);
    await new Promise((r) => setTimeout(r, 50));
    const log = (await h.control('GET', '/webhooks/deliveries')).json.deliveries;
    expect(log[0].state).toBe('failed');
    expect(log[0].attempts[0].error).toBeTruthy();
    expect(log[0].attempts[1].status).toBe(500);
  });

  it('sends CloudEvents when configured: one array element per change, signed the same way', async () => {
    await h.control('PUT', '/webhooks', { format: 'cloudevents' });
    const c = await createCustomer(h, 'Cloud Customer');
    const [delivery] = await receiver.waitFor(1);
    expect(verify(delivery.raw, delivery.headers['intuit-signature'])).toBe(true);
    const events = JSON.parse(delivery.raw);
    expect(Array.isArray(events)).toBe(true);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      id: expect.any(String),
      source: expect.stringMatching(/^intuit\./),
      type: 'qbo.customer.created.v1',
      time: expect.any(String),
      intuitentityid: c.Id,
      intuitaccountid: h.realmId,
    });
  });

  it('only notifies companies with a live OAuth connection', async () => {
    const res = await h.control('POST', '/realms', {});
    const realmId = res.json.realmId as string;
    await h.control('POST', `/realms/${realmId}/user/customers`, { displayName: 'Unconnected' });
    await h.control('POST', '/webhooks/flush');
    expect(receiver.received).toHaveLength(0);
    await h.control('POST', `/realms/${realmId}/tokens`, {});
    await h.control('POST', `/realms/${realmId}/user/customers`, { displayName: 'Connected now' });
    const [d] = await receiver.waitFor(1);
    expect(JSON.parse(d.raw).eventNotifications[0].realmId).toBe(realmId);
  });
});

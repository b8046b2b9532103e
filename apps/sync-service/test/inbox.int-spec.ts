import { Topics } from '@arbiter/contracts';
import { createTestDatabase, kafkaBrokersFromEnv, type TestDatabase } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, type Consumer, type Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppModule, syncEntities } from '../src/app.module';
import { SyncConfigSchema, type SyncConfig } from '../src/config';
import { kafkaTransport } from '../src/kafka-transport';
import { syncMigrations } from '../src/migrations';

const eventually = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('sync-service inbox through the broker', () => {
  const tenantId = `t-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let config: SyncConfig;
  let app: INestApplication;
  let producer: Producer;
  let deadLetterConsumer: Consumer;
  const deadLetters: { key: string | null; value: Record<string, unknown> }[] = [];
  let pg: Client;

  const customerEvent = (id: string, version: number, eventId = randomUUID()) => ({
    eventId,
    eventType: 'customer.upserted',
    tenantId,
    occurredAt: '2026-10-31T17:04:05.123Z',
    entityVersion: version,
    data: { id, displayName: `Customer ${id}`, billingEmail: `${id}@example.com`, currency: 'USD', active: true },
  });
  const publish = (topic: string, key: string, value: string | Buffer) => producer.send({ topic, acks: -1, messages: [{ key, value }] });

  beforeAll(async () => {
    db = await createTestDatabase('sync_inbox');
    config = SyncConfigSchema.parse({
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_GROUP_ID: `sync-${tenantId}`,
      QBO_CLIENT_ID: 'test-client',
      QBO_CLIENT_SECRET: 'test-secret',
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      PUSH_ENABLED: 'false', // this suite checks the inbox and the queue; pushing is covered against the sandbox
    });
    await runServiceMigrations({ clientUrl: db.url, schema: config.DATABASE_SCHEMA, entities: syncEntities, migrations: syncMigrations });
    app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'] });
    app.connectMicroservice(kafkaTransport(config));
    await app.startAllMicroservices();
    await app.init();

    const kafka = new Kafka({ clientId: 'inbox-spec', brokers: kafkaBrokersFromEnv() });
    producer = kafka.producer();
    await producer.connect();
    deadLetterConsumer = kafka.consumer({ groupId: `dl-${tenantId}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await deadLetterConsumer.connect();
    await deadLetterConsumer.subscribe({ topic: Topics.DeadLetter, fromBeginning: true });
    await deadLetterConsumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? null;
        if (key?.startsWith(`${tenantId}:`)) deadLetters.push({ key, value: JSON.parse(message.value!.toString()) });
      },
    });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await deadLetterConsumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await db?.drop();
  });

  const outcomes = async () =>
    (await pg.query<{ event_id: string; outcome: string; entity_version: number; topic: string; offset: string }>(
      'select event_id, outcome, entity_version, topic, "offset" from sync.inbound_event where tenant_id = $1 order by entity_version',
      [tenantId],
    )).rows;

  it('records a valid event once, treats a redelivery as a no-op and an older version as stale', async () => {
    const v2 = customerEvent('c-1', 2);
    await publish(Topics.SourceCustomers, `${tenantId}:c-1`, JSON.stringify(v2));
    await publish(Topics.SourceCustomers, `${tenantId}:c-1`, JSON.stringify(v2)); // redelivered: same eventId
    await publish(Topics.SourceCustomers, `${tenantId}:c-1`, JSON.stringify(customerEvent('c-1', 1))); // older version
    const rows = await eventually(async () => {
      const r = await outcomes();
      return r.length === 2 ? r : undefined;
    });
    expect(rows.map((r) => [r.entity_version, r.outcome])).toEqual([
      [1, 'stale'],
      [2, 'applied'],
    ]);
    expect(rows[1].event_id).toBe(v2.eventId);
    expect(rows[1].topic).toBe(Topics.SourceCustomers);
    const version = await pg.query('select version from sync.entity_version where tenant_id = $1 and entity_id = $2', [tenantId, 'c-1']);
    expect(version.rows).toEqual([{ version: 2 }]);
  });

  it('sends malformed messages to the dead-letter topic with reason and coordinates, and keeps the partition flowing', async () => {
    const key = `${tenantId}:c-bad`;
    const moneyAsNumber = { ...customerEvent('c-bad', 1), eventType: 'invoice.upserted' };
    await publish(Topics.SourceCustomers, key, '{not json');
    await publish(Topics.SourceCustomers, key, JSON.stringify(moneyAsNumber)); // an invoice event on the customers topic
    await publish(Topics.SourceCustomers, key, JSON.stringify({ ...customerEvent('c-bad', 1), data: { id: 'c-bad' } }));
    await publish(Topics.SourceCustomers, key, JSON.stringify(customerEvent('c-bad', 3))); // a good one behind the bad ones

    const letters = await eventually(async () => (deadLetters.length >= 3 ? deadLetters : undefined));
    letters.sort((a, b) => Number(a.value['offset']) - Number(b.value['offset']));
    expect(letters.map((l) => l.value['reason'])).toEqual(['invalid_json', 'wrong_topic', 'schema_violation']);
    for (const letter of letters) {
      expect(letter.key).toBe(key);
      expect(letter.value['topic']).toBe(Topics.SourceCustomers);
      expect(typeof letter.value['partition']).toBe('number');
      expect(letter.value['offset']).toMatch(/^\d+$/);
      expect(Array.isArray(letter.value['errors'])).toBe(true);
    }
    expect(Buffer.from(String(letters[0].value['rawValue']), 'base64').toString()).toBe('{not json');
    const paths = (letters[2].value['errors'] as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['data.displayName', 'data.currency', 'data.active']));

    const rows = await eventually(async () => {
      const r = (await outcomes()).filter((row) => row.entity_version === 3);
      return r.length ? r : undefined;
    });
    expect(rows[0].outcome).toBe('applied');
  });
  it('writes the source ledger (invoice lines, payments and their applications) and queues QuickBooks work, latest version winning', async () => {
    const envelope = (eventType: string, id: string, version: number, data: Record<string, unknown>) => ({
      eventId: randomUUID(), eventType, tenantId, occurredAt: '2026-10-31T17:04:05.123Z', entityVersion: version, data: { id, ...data },
    });
    const invoice = (version: number, status: string, total: string) =>
      envelope('invoice.upserted', 'inv-1', version, {
        number: 'INV-0001', customerId: 'c-1', issueDate: '2026-10-01', dueDate: '2026-10-31', currency: 'USD', status,
        lines: [{ id: 'l1', itemId: 'i-1', quantity: '3', unitPrice: '33.33', amount: '99.99' }, { id: 'l2', itemId: 'i-2', quantity: '1', unitPrice: total === '100.00' ? '0.01' : '10.01', amount: total === '100.00' ? '0.01' : '10.01' }],
        total,
      });
    await publish(Topics.SourceInvoices, `${tenantId}:inv-1`, JSON.stringify(invoice(1, 'draft', '100.00')));
    await publish(Topics.SourceInvoices, `${tenantId}:inv-1`, JSON.stringify(invoice(2, 'approved', '110.00')));
    await publish(
      Topics.SourcePayments,
      `${tenantId}:pay-1`,
      JSON.stringify(envelope('payment.recorded', 'pay-1', 1, { customerId: 'c-1', receivedOn: '2026-10-15', amount: '150.00', currency: 'USD', applications: [{ invoiceId: 'inv-1', amount: '110.00' }] })),
    );
    const jobs = await eventually(async () => {
      const r = await pg.query<{ entity_type: string; source_id: string; version: number; reason: string }>(
        `select entity_type, source_id, version, reason from sync.sync_job where tenant_id = $1 and entity_type in ('invoice', 'payment') order by entity_type`,
        [tenantId],
      );
      return r.rows.length === 2 ? r.rows : undefined;
    });
    expect(jobs).toEqual([
      { entity_type: 'invoice', source_id: 'inv-1', version: 2, reason: 'upsert' },
      { entity_type: 'payment', source_id: 'pay-1', version: 1, reason: 'upsert' },
    ]);
    const inv = await pg.query('select status, total::text, lines from sync.source_invoice where tenant_id = $1 and id = $2', [tenantId, 'inv-1']);
    expect(inv.rows[0].status).toBe('approved');
    expect(inv.rows[0].total).toBe('110.0000');
    expect(inv.rows[0].lines).toHaveLength(2);
    const apps = await pg.query('select source_type, invoice_id, amount::text, applied_on::text from sync.source_application where tenant_id = $1', [tenantId]);
    expect(apps.rows).toEqual([{ source_type: 'payment', invoice_id: 'inv-1', amount: '110.0000', applied_on: '2026-10-15' }]);

    await publish(Topics.SourceInvoices, `${tenantId}:inv-1`, JSON.stringify(envelope('invoice.cancelled', 'inv-1', 3, {})));
    const voidJob = await eventually(async () => {
      const r = await pg.query(`select version, reason from sync.sync_job where tenant_id = $1 and entity_type = 'invoice'`, [tenantId]);
      return r.rows[0]?.reason === 'void' ? r.rows[0] : undefined;
    });
    expect(voidJob).toEqual({ version: 3, reason: 'void' });
  });
  it('turns a reconciliation finding a resync can fix into a problem, through the NestJS Kafka transport', async () => {
    const finding = {
      eventId: randomUUID(), tenantId, runId: randomUUID(), kind: 'amount_mismatch', customerId: 'c-1', sourceId: 'inv-1', qboId: '42',
      sourceAmount: '110.00', qboAmount: '100.00', difference: '10.00', bucket: 'current',
    };
    await publish(Topics.ReconDiscrepancies, `${tenantId}:inv-1`, JSON.stringify(finding));
    const problem = await eventually(async () => {
      const r = await pg.query(`select kind, state, reason, entity_type from sync.problem where tenant_id = $1 and source_id = 'inv-1'`, [tenantId]);
      return r.rows[0];
    });
    expect(problem).toMatchObject({ kind: 'reconciliation_difference', state: 'open', entity_type: 'invoice' });
    expect(problem.reason).toContain('amount mismatch');
    const outbox = await pg.query(`select payload from sync.outbox where key = $1`, [`${tenantId}:inv-1`]);
    expect(outbox.rows.map((r) => r.payload.status)).toContain('failed');
  });
});

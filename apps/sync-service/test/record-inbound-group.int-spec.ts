import { messageKeyOf, topicForEventType, type InboundEvent } from '@arbiter/contracts';
import { createTestDatabase, type TestDatabase } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import {
  buildCreditMemoCancelled,
  buildCreditMemoUpserted,
  buildCustomerUpserted,
  buildInvoiceCancelled,
  buildInvoiceUpserted,
  buildItemUpserted,
  buildPaymentRecorded,
  buildPaymentVoided,
  generateReceivablesMonth,
} from '@arbiter/testing';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { syncEntities } from '../src/app.module';
import { SyncConfigSchema } from '../src/config';
import type { RecordOutcome } from '../src/inbox/inbox-types';
import { RecordInbound, type InboundItem } from '../src/inbox/record-inbound';
import { syncMigrations } from '../src/migrations';

const PARTITIONS = 12;

/** Places events as the broker would: topic by event type, partition by key, offsets counted per partition. */
function placer() {
  const next = new Map<string, number>();
  return (event: InboundEvent): InboundItem => {
    const topic = topicForEventType(event.eventType);
    const partition = createHash('sha1').update(messageKeyOf(event)).digest().readUInt32BE(0) % PARTITIONS;
    const offset = next.get(`${topic}/${partition}`) ?? 0;
    next.set(`${topic}/${partition}`, offset + 1);
    return { event, at: { topic, partition, offset: String(offset) } };
  };
}

/** The order the consumer records a group in: partition by partition, each in offset order. */
const partitionMajor = (items: InboundItem[]) =>
  [...items].sort((a, b) => a.at.topic.localeCompare(b.at.topic) || a.at.partition - b.at.partition || Number(a.at.offset) - Number(b.at.offset));

/** Every row of the inbox, the ledger and the push queue, without the columns that hold now(). */
async function stateOf(pg: Client): Promise<Record<string, string[]>> {
  const tables = ['inbound_event', 'entity_version', 'source_customer', 'source_item', 'source_invoice', 'source_payment', 'source_credit_memo', 'source_application', 'sync_job'];
  const state: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await pg.query<{ r: string }>(
      `select (to_jsonb(t) - array['received_at', 'updated_at', 'due_at', 'enqueued_at'])::text as r from sync.${table} t order by 1`,
    );
    state[table] = rows.map((row) => row.r);
  }
  return state;
}

const countOf = (outcomes: RecordOutcome[]) =>
  outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [o]: (counts[o] ?? 0) + 1 }), {});

describe('recording inbound events in one group', () => {
  const tenantId = `g-${randomBytes(4).toString('hex')}`;
  const otherTenantId = `${tenantId}-b`;
  const databases: TestDatabase[] = [];
  const clients: Client[] = [];
  const recorders: RecordInbound[] = [];

  beforeAll(async () => {
    for (const name of ['sync_grouped', 'sync_one_by_one']) {
      const db = await createTestDatabase(name);
      databases.push(db);
      const config = SyncConfigSchema.parse({
        DATABASE_URL: db.url, KAFKA_BROKERS: 'unused:9092', QBO_CLIENT_ID: 'test', QBO_CLIENT_SECRET: 'test', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      });
      await runServiceMigrations({ clientUrl: db.url, schema: config.DATABASE_SCHEMA, entities: syncEntities, migrations: syncMigrations });
      recorders.push(new RecordInbound(config));
      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      clients.push(pg);
    }
  });

  afterAll(async () => {
    for (const r of recorders) await r.onApplicationShutdown();
    for (const pg of clients) await pg.end();
    for (const db of databases) await db.drop();
  });

  /**
   * Two rounds of events in publication order. The first: a generated month (customers, items, invoices with
   * revisions and cancellations, credit memos, payments and voids) plus documents revised back and forth,
   * duplicates and stale versions; the second: redeliveries of the first round, newer revisions and events stale
   * against what the first round stored.
   */
  function scenario(): { first: InboundItem[]; second: InboundItem[] } {
    const t = tenantId;
    const month = generateReceivablesMonth({ seed: 'group-commit', tenantId: t, customerCount: 6, invoiceCount: 24, backlogInvoiceCount: 8 });
    const invoice = (id: string, version: number, status: 'approved' | 'draft' | 'in_revision', unitPrice = '100.00', tenant = t) =>
      buildInvoiceUpserted({ tenantId: tenant, entityVersion: version, data: { id, customerId: 'c-x', status, lines: [{ quantity: '2', unitPrice }] } });
    const invX1 = invoice('inv-x', 1, 'approved');
    const payX1 = buildPaymentRecorded({ tenantId: t, entityVersion: 1, data: { id: 'pay-x', customerId: 'c-x', applications: [{ invoiceId: 'inv-x', amount: '100.00' }] } });
    const custX2 = buildCustomerUpserted({ tenantId: t, entityVersion: 2, data: { id: 'c-x', displayName: 'Customer X, renamed' } });
    const handmade: InboundEvent[] = [
      buildCustomerUpserted({ tenantId: t, entityVersion: 1, data: { id: 'c-x', displayName: 'Customer X' } }),
      buildItemUpserted({ tenantId: t, entityVersion: 1, data: { id: 'i-x', sku: 'SKU-X' } }),
      invX1,
      payX1,
      invoice('inv-x', 2, 'in_revision', '110.00'),
      custX2,
      invoice('inv-y', 1, 'approved'),
      buildInvoiceCancelled({ tenantId: t, entityVersion: 2, data: { id: 'inv-y' } }),
      invX1, // redelivered within the same round
      invoice('inv-x', 3, 'approved', '120.00'),
      buildCreditMemoUpserted({ tenantId: t, entityVersion: 1, data: { id: 'cm-x', customerId: 'c-x', applications: [{ invoiceId: 'inv-x', amount: '20.00' }] } }),
      invoice('inv-x', 2, 'draft', '90.00'), // stale: an older version after a newer one
      buildPaymentRecorded({ tenantId: t, entityVersion: 2, data: { id: 'pay-x', customerId: 'c-x', applications: [{ invoiceId: 'inv-x', amount: '50.00' }, { invoiceId: 'inv-y', amount: '50.00' }] } }),
      buildCustomerUpserted({ tenantId: t, entityVersion: 2, data: { id: 'c-x', displayName: 'Same version, other event' } }), // stale: not newer
      invoice('inv-y', 3, 'approved', '130.00'), // reinstated after the cancellation
      buildInvoiceCancelled({ tenantId: t, entityVersion: 5, data: { id: 'inv-never-seen' } }), // a cancel without any upsert
      buildPaymentVoided({ tenantId: t, entityVersion: 3, data: { id: 'pay-x' } }),
      buildCreditMemoCancelled({ tenantId: t, entityVersion: 2, data: { id: 'cm-x' } }),
      invoice('inv-w', 1, 'approved'),
      invoice('inv-w', 2, 'draft', '80.00'), // work stays the approved version's
      invoice('inv-x', 1, 'approved', '100.00', otherTenantId), // same id, other tenant
    ];
    // The month first, then the handmade events woven in every few events.
    const firstEvents: InboundEvent[] = [];
    month.events.forEach((e, i) => {
      firstEvents.push(e);
      if (i % 3 === 2 && handmade.length) firstEvents.push(handmade.shift() as InboundEvent);
    });
    firstEvents.push(...handmade);
    const secondEvents: InboundEvent[] = [
      ...month.events.filter((_, i) => i % 7 === 0), // redelivered after they were recorded
      payX1,
      buildPaymentRecorded({ tenantId: t, entityVersion: 4, data: { id: 'pay-x', customerId: 'c-x', applications: [{ invoiceId: 'inv-y', amount: '100.00' }] } }),
      invoice('inv-x', 3, 'in_revision', '999.00'), // stale against the stored version 3
      buildCustomerUpserted({ tenantId: t, entityVersion: 3, data: { id: 'c-x', displayName: 'Customer X, third name' } }),
      buildInvoiceCancelled({ tenantId: t, entityVersion: 4, data: { id: 'inv-x' } }),
      custX2, // redelivered
    ];
    const place = placer();
    return { first: firstEvents.map(place), second: secondEvents.map(place) };
  }

  it('leaves exactly the inbox, ledger and sync_job state that recording the same events one by one leaves', async () => {
    const { first, second } = scenario();
    const [grouped, oneByOne] = recorders;

    const groupedOutcomes = [...(await grouped.run(partitionMajor(first))), ...(await grouped.run(partitionMajor(second)))];
    const singleOutcomes: RecordOutcome[] = [];
    for (const item of [...first, ...second]) singleOutcomes.push(...(await oneByOne.run([item])));

    const [groupedState, singleState] = [await stateOf(clients[0]), await stateOf(clients[1])];
    expect(groupedState).toEqual(singleState);
    expect(countOf(groupedOutcomes)).toEqual(countOf(singleOutcomes));

    // The scenario does exercise what it claims to.
    const counts = countOf(singleOutcomes);
    expect(counts['duplicate']).toBeGreaterThanOrEqual(3);
    expect(counts['stale']).toBeGreaterThanOrEqual(3);
    expect(new Set(first.map((i) => `${i.at.topic}/${i.at.partition}`)).size).toBeGreaterThan(10);
    const { rows: docs } = await clients[0].query(
      `select tenant_id, id, status, total::text, version from sync.source_invoice where id in ('inv-x', 'inv-y', 'inv-w', 'inv-never-seen') order by tenant_id, id`,
    );
    expect(docs).toEqual([
      { tenant_id: tenantId, id: 'inv-w', status: 'draft', total: '160.0000', version: 2 },
      { tenant_id: tenantId, id: 'inv-x', status: 'cancelled', total: '240.0000', version: 4 },
      { tenant_id: tenantId, id: 'inv-y', status: 'approved', total: '260.0000', version: 3 },
      { tenant_id: otherTenantId, id: 'inv-x', status: 'approved', total: '200.0000', version: 1 },
    ]);
    const { rows: jobs } = await clients[0].query(
      `select entity_type, source_id, version, reason from sync.sync_job where tenant_id = $1 and source_id in ('inv-x', 'inv-y', 'inv-w', 'inv-never-seen', 'pay-x', 'cm-x') order by 1, 2`,
      [tenantId],
    );
    expect(jobs).toEqual([
      { entity_type: 'credit-memo', source_id: 'cm-x', version: 2, reason: 'void' },
      { entity_type: 'invoice', source_id: 'inv-never-seen', version: 5, reason: 'void' },
      { entity_type: 'invoice', source_id: 'inv-w', version: 1, reason: 'upsert' },
      { entity_type: 'invoice', source_id: 'inv-x', version: 4, reason: 'void' },
      { entity_type: 'invoice', source_id: 'inv-y', version: 3, reason: 'upsert' },
      { entity_type: 'payment', source_id: 'pay-x', version: 4, reason: 'upsert' },
    ]);
    const { rows: applications } = await clients[0].query(
      `select source_type, source_id, invoice_id, amount::text from sync.source_application where tenant_id = $1 and source_id in ('pay-x', 'cm-x') order by 1, 2, 3`,
      [tenantId],
    );
    expect(applications).toEqual([
      { source_type: 'credit-memo', source_id: 'cm-x', invoice_id: 'inv-x', amount: '20.0000' },
      { source_type: 'payment', source_id: 'pay-x', invoice_id: 'inv-y', amount: '100.0000' },
    ]);
  });
});

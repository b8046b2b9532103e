/**
 * Inbound events validated, deduplicated and persisted per second (target ≥ 5,000/s on 2 cores), and how long
 * consumer lag takes to return to 0 after a 10,000-event burst (target ≤ 2 s). Runs the real sync-service
 * module (NestJS Kafka transport, PostgreSQL inbox + source ledger) against the local broker and database.
 * Sizes: BENCH_INBOUND_EVENTS (default 20000), BENCH_INBOUND_BURST (default 10000).
 */
import { TopicSpecs, messageKeyOf, topicForEventType, type InboundEvent } from '@arbiter/contracts';
import { createDatabase, provideInfra } from '@arbiter/dev-infra';
import { runServiceMigrations } from '@arbiter/persistence';
import { generateReceivablesMonth } from '@arbiter/testing';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppModule, syncEntities } from '../apps/sync-service/src/app.module';
import { SyncConfigSchema } from '../apps/sync-service/src/config';
import { kafkaTransport } from '../apps/sync-service/src/kafka-transport';
import { syncMigrations } from '../apps/sync-service/src/migrations';
import { writeResult } from './result';

function eventsFor(count: number, salt: string): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (let t = 0; events.length < count; t++) {
    const month = generateReceivablesMonth({ seed: `${salt}-${t}`, tenantId: `bench${salt}${t}`, customerCount: 40, invoiceCount: 300, backlogInvoiceCount: 100 });
    events.push(...month.events);
  }
  return events.slice(0, count);
}

async function main(): Promise<void> {
  const total = Number(process.env['BENCH_INBOUND_EVENTS'] ?? 20_000);
  const burst = Number(process.env['BENCH_INBOUND_BURST'] ?? 10_000);
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })) });
  const url = await createDatabase(infra.databaseUrl, `bench_inbound_${randomBytes(3).toString('hex')}`);
  await runServiceMigrations({ clientUrl: url, schema: 'sync', entities: syncEntities, migrations: syncMigrations });
  const config = SyncConfigSchema.parse({
    DATABASE_URL: url, KAFKA_BROKERS: infra.kafkaBrokers.join(','), KAFKA_GROUP_ID: `bench-${randomBytes(3).toString('hex')}`,
    KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500', KAFKA_MAX_WAIT_TIME_MS: '200', KAFKA_PARTITIONS_CONCURRENTLY: '12',
    QBO_CLIENT_ID: 'bench', QBO_CLIENT_SECRET: 'bench', TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'), PUSH_ENABLED: 'false', LOG_LEVEL: 'error',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error'] });
  app.connectMicroservice(kafkaTransport(config));
  await app.startAllMicroservices();
  await app.init();

  const kafka = new Kafka({ clientId: 'bench', brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const pg = new Client({ connectionString: url });
  await pg.connect();
  const admin = kafka.admin();
  await admin.connect();
  const inboundTopics = TopicSpecs.filter((t) => t.role === 'inbound').map((t) => t.name);
  /** Consumer lag: Σ over inbound partitions of (end offset − committed offset); offsets commit only after the inbox transaction. */
  const lag = async () => {
    let total = 0;
    for (const topic of inboundTopics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const committed = await admin.fetchOffsets({ groupId: config.KAFKA_GROUP_ID, topics: [topic] });
      const byPartition = new Map(committed[0].partitions.map((p) => [p.partition, Number(p.offset)]));
      for (const e of ends) total += Number(e.high) - Math.max(0, byPartition.get(e.partition) ?? 0);
    }
    return total;
  };
  const count = async () => Number((await pg.query('select count(*)::int as n from sync.inbound_event')).rows[0].n);

  const publish = async (events: InboundEvent[]) => {
    for (let i = 0; i < events.length; i += 1000) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const e of events.slice(i, i + 1000)) {
        const topic = topicForEventType(e.eventType);
        const list = byTopic.get(topic) ?? [];
        list.push({ key: messageKeyOf(e), value: JSON.stringify(e) });
        byTopic.set(topic, list);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
  };
  const waitForLagZero = async () => {
    for (;;) {
      if ((await lag()) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // Warm-up: the consumer group joins and every partition gets a fetch going.
  await publish(eventsFor(500, 'warm'));
  await waitForLagZero();

  const sustained = eventsFor(total, 'sustained');
  const t0 = performance.now();
  await publish(sustained);
  const producedMs = performance.now() - t0;
  await waitForLagZero();
  const sustainedMs = performance.now() - t0;

  const burstEvents = eventsFor(burst, 'burst');
  await publish(burstEvents);
  const b0 = performance.now(); // lag is at its peak once the burst is on the broker
  await waitForLagZero();
  const persisted = await count();
  if (persisted !== 500 + total + burst) throw new Error(`expected ${500 + total + burst} inbox rows, found ${persisted}`);
  const lagZeroMs = performance.now() - b0;

  const perSecond = Math.round((total / sustainedMs) * 1000);
  const rows = [
    { metric: 'inbound events validated, deduped and persisted', value: perSecond, unit: 'events/s', target: '≥ 5000' },
    { metric: `consumer lag back to 0 after a ${burst}-event burst`, value: Math.round(lagZeroMs), unit: 'ms', target: '≤ 2000' },
  ];
  for (const r of rows) console.log(`${r.metric}: ${r.value} ${r.unit} (target ${r.target})`);
  console.log(`(producing ${total} events took ${Math.round(producedMs)} ms)`);
  writeResult('inbound', { events: total, burst, eventsPerSecond: perSecond, lagZeroMs: Math.round(lagZeroMs), produceMs: Math.round(producedMs), rows });

  await admin.disconnect();
  await pg.end();
  await producer.disconnect();
  await app.close();
  await infra.stop();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

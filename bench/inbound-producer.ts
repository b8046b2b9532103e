/**
 * The inbound benchmark's producer and lag watcher, in a process of its own so that generating, serialising and
 * sending events, and polling the consumer group's lag, take nothing from the consumer's event loop.
 * Env: BENCH_BROKERS, BENCH_GROUP_ID. Takes `{ phase, count }` over IPC; answers with the phase's timings once
 * the group's committed offsets reach the end offsets (offsets commit only after the inbox transaction).
 */
import { TopicSpecs, messageKeyOf, topicForEventType, type InboundEvent } from '@arbiter/contracts';
import { consumerGroupLag } from '@arbiter/runtime';
import { generateReceivablesMonth } from '@arbiter/testing';
import { Kafka, logLevel } from 'kafkajs';

export interface PhaseRequest {
  phase: string;
  count: number;
}

export interface PhaseReport {
  phase: string;
  /** From the first send to the last acknowledged one. */
  produceMs: number;
  /** From the first send until lag is 0. */
  drainedMs: number;
  /** From the last acknowledged send (the burst whole on the broker, lag at its peak) until lag is 0. */
  lagZeroMs: number;
  /** CPU time this process spent on the phase (generation excluded). */
  cpuMs: number;
}

function eventsFor(count: number, salt: string): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (let t = 0; events.length < count; t++) {
    const month = generateReceivablesMonth({ seed: `${salt}-${t}`, tenantId: `bench${salt}${t}`, customerCount: 40, invoiceCount: 300, backlogInvoiceCount: 100 });
    events.push(...month.events);
  }
  return events.slice(0, count);
}

async function main(): Promise<void> {
  const brokers = (process.env['BENCH_BROKERS'] ?? '').split(',');
  const groupId = process.env['BENCH_GROUP_ID'] ?? '';
  const kafka = new Kafka({ clientId: 'bench-producer', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const admin = kafka.admin();
  await producer.connect();
  await admin.connect();
  const inboundTopics = TopicSpecs.filter((t) => t.role === 'inbound').map((t) => t.name);

  /** Σ over inbound partitions of (end offset − committed offset). */
  const lag = () => consumerGroupLag(admin, groupId, inboundTopics);

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

  const run = async ({ phase, count }: PhaseRequest): Promise<PhaseReport> => {
    const events = eventsFor(count, phase);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await publish(events);
    const produced = performance.now();
    while ((await lag()) !== 0) await new Promise((r) => setTimeout(r, 25));
    const drained = performance.now();
    const cpu = process.cpuUsage(cpu0);
    return { phase, produceMs: produced - t0, drainedMs: drained - t0, lagZeroMs: drained - produced, cpuMs: (cpu.user + cpu.system) / 1000 };
  };

  process.on('message', (request: PhaseRequest | 'stop') => {
    if (request === 'stop') {
      void Promise.all([producer.disconnect(), admin.disconnect()]).then(() => process.exit(0));
      return;
    }
    run(request).then(
      (report) => process.send?.(report),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

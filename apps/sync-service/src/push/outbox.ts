import { OutboundEventSchemas, Topics, type SyncStatusV1 } from '@arbiter/contracts';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KAFKA_PRODUCER, type KafkaProducer } from '../kafka-producer';
import { inTransaction, type Sql } from '../sql';

/**
 * Writes an `arbiter.sync.status.v1` event into the outbox in the caller's transaction: the state change and
 * its event commit together, so no event is lost and none is invented for a change that rolled back.
 */
export async function outboxSyncStatus(sql: Sql, status: Omit<SyncStatusV1, 'eventId' | 'at'>): Promise<void> {
  const event = OutboundEventSchemas[Topics.SyncStatus].parse({ ...status, eventId: randomUUID(), at: new Date().toISOString() });
  await sql(`insert into outbox (topic, key, payload) values (?, ?, ?::jsonb)`, [Topics.SyncStatus, `${event.tenantId}:${event.sourceId}`, JSON.stringify(event)]);
}

export async function outboxEvent(sql: Sql, topic: string, key: string, payload: unknown): Promise<void> {
  await sql(`insert into outbox (topic, key, payload) values (?, ?, ?::jsonb)`, [topic, key, JSON.stringify(payload)]);
}

/**
 * Publishes committed outbox rows in id order. Rows are locked while they are sent and marked in the same
 * transaction, so replicas never send the same row twice at once; a crash between send and commit resends
 * (at-least-once; every event carries its own eventId for consumers to dedupe).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    @Inject(KAFKA_PRODUCER) private readonly producer: KafkaProducer,
    @Inject('OUTBOX_INTERVAL_MS') private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.drainOnce().catch(() => undefined); // last flush before the producer disconnects
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drainOnce()
        .then((sent) => {
          if (sent > 0) this.logger.debug(`outbox published count=${sent}`);
        })
        .catch((error) => this.logger.error(`outbox publish failed, will retry: ${(error as Error).message}`))
        .finally(() => this.schedule());
    }, this.intervalMs);
  }

  /** Sends one batch; returns how many rows were published. */
  async drainOnce(limit = 500): Promise<number> {
    return inTransaction(this.em, async (sql) => {
      const rows = await sql<{ id: string; topic: string; key: string; payload: unknown }>(
        `select id, topic, key, payload from outbox where published_at is null order by id limit ? for update skip locked`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const row of rows) {
        const list = byTopic.get(row.topic) ?? [];
        list.push({ key: row.key, value: JSON.stringify(row.payload) });
        byTopic.set(row.topic, list);
      }
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await sql(`update outbox set published_at = now() where id in (select jsonb_array_elements_text(?::jsonb)::bigint)`, [JSON.stringify(rows.map((r) => String(r.id)))]);
      return rows.length;
    });
  }
}

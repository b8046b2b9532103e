import { InboundTopics, parseInboundMessage } from '@arbiter/contracts';
import { kafkaClientConfig, HealthRegistry } from '@arbiter/runtime';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Kafka, type Consumer, type EachBatchPayload } from 'kafkajs';
import { SYNC_CONFIG, type SyncConfig } from '../config';
import { DeadLetters, type Rejection } from './dead-letters';
import { RecordInboundBatch, type BatchItem } from './record-inbound-batch';

/** Messages handled per transaction; a heartbeat and an offset commit follow each chunk. */
const CHUNK = 500;

/**
 * Consumes every inbound topic in batches (kafkajs eachBatch): per partition, in order, each chunk is parsed,
 * its bad messages dead-lettered, its good ones recorded in one transaction, and only then its offsets are
 * resolved and committed. A failure throws before the offsets move, so the chunk is redelivered (the inbox
 * dedupes by eventId). Partitions are processed concurrently; one key lives on one partition, so per-entity
 * order holds while tenants and entities proceed in parallel.
 */
@Injectable()
export class InboxConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboxConsumer.name);
  private readonly consumer: Consumer;
  private joined = false;
  private crashed: string | null = null;

  constructor(
    @Inject(SYNC_CONFIG) private readonly config: SyncConfig,
    private readonly record: RecordInboundBatch,
    private readonly deadLetters: DeadLetters,
    private readonly health: HealthRegistry,
  ) {
    this.consumer = new Kafka(kafkaClientConfig('arbiter-sync-inbox', config.KAFKA_BROKERS)).consumer({
      groupId: config.KAFKA_GROUP_ID,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: config.KAFKA_MAX_WAIT_TIME_MS,
      // Wait for some bytes (up to maxWaitTimeInMs) so a fetch brings a batch worth a transaction, not one message.
      minBytes: config.KAFKA_MIN_BYTES,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = null;
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.crashed = e.payload.error.message;
      this.logger.error(`inbox consumer crashed (kafkajs restarts it): ${e.payload.error.message}`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.health.register('kafka-inbox', () => {
      if (this.crashed) throw new Error(`consumer crashed: ${this.crashed}`);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...InboundTopics], fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.config.KAFKA_PARTITIONS_CONCURRENTLY,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Stop consuming first: the in-flight chunk finishes and its offsets are committed before pools close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect();
  }

  get isJoined(): boolean {
    return this.joined;
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (let start = 0; start < batch.messages.length; start += CHUNK) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + CHUNK);
      const good: BatchItem[] = [];
      const bad: Rejection[] = [];
      for (const m of chunk) {
        const parsed = parseInboundMessage(batch.topic, m.value);
        const coordinates = { topic: batch.topic, partition: batch.partition, offset: m.offset };
        if (parsed.ok) good.push({ event: parsed.event, at: coordinates });
        else bad.push({ message: { ...coordinates, key: m.key, value: m.value }, reason: parsed.reason, errors: parsed.errors });
      }
      await this.deadLetters.park(bad);
      await this.record.run(good);
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
      await commitOffsetsIfNecessary();
    }
  }
}

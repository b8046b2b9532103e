import { InboundTopics, parseInboundMessage } from '@arbiter/contracts';
import { kafkaClientConfig, HealthRegistry } from '@arbiter/runtime';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Kafka, type Consumer, type EachBatchPayload } from 'kafkajs';
import { SYNC_CONFIG, type SyncConfig } from '../config';
import { DeadLetters, type Rejection } from './dead-letters';
import { GroupCommit } from './group-commit';
import { RecordInbound, type InboundItem } from './record-inbound';

/** Messages of one partition taken at a time; a heartbeat follows each. */
const CHUNK = 500;

/** One partition's chunk of parsed messages, waiting for its group's transaction. */
interface Chunk {
  topic: string;
  partition: number;
  firstOffset: bigint;
  messageCount: number;
  good: InboundItem[];
  /** Marks the chunk's last offset as processed (kafkajs resolveOffset). */
  resolve: () => void;
  /** Commits every resolved, not yet committed offset of this consumer, whatever partition resolved it. */
  commitResolved: () => Promise<void>;
}

const byPosition = (a: Chunk, b: Chunk) =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition || (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0);

/**
 * Consumes every inbound topic in batches (kafkajs eachBatch, up to KAFKA_PARTITIONS_CONCURRENTLY partitions at
 * once). Each chunk is parsed and its bad messages dead-lettered; then the chunks that arrive together from
 * several partitions are recorded in ONE transaction (a group commit, inbox/group-commit.ts), and only after it
 * commits are their offsets resolved and committed, once for the whole group (kafkajs autocommit is off). A
 * failure fails every chunk of the group before any offset moves, so they are redelivered (the inbox dedupes by
 * eventId). One key lives on one partition and a group keeps each partition's offset order, so per-entity order
 * holds while tenants and entities proceed in parallel.
 */
@Injectable()
export class InboxConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboxConsumer.name);
  private readonly consumer: Consumer;
  private readonly groups: GroupCommit<Chunk>;
  private joined = false;
  private crashed: string | null = null;

  constructor(
    @Inject(SYNC_CONFIG) private readonly config: SyncConfig,
    private readonly record: RecordInbound,
    private readonly deadLetters: DeadLetters,
    private readonly health: HealthRegistry,
  ) {
    this.groups = new GroupCommit<Chunk>({
      write: (chunks) => this.write(chunks),
      commit: (chunks) => this.commit(chunks),
      sizeOf: (chunk) => chunk.messageCount,
      maxGroupSize: config.INBOX_GROUP_MAX_MESSAGES,
    });
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
      // Offsets are committed by flush(), once per group, after its transaction.
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Stop consuming first: the in-flight group finishes and its offsets are committed before pools close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect();
  }

  get isJoined(): boolean {
    return this.joined;
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, uncommittedOffsets } = payload;
    for (let start = 0; start < batch.messages.length; start += CHUNK) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(start, start + CHUNK);
      const good: InboundItem[] = [];
      const bad: Rejection[] = [];
      for (const m of messages) {
        const parsed = parseInboundMessage(batch.topic, m.value);
        const coordinates = { topic: batch.topic, partition: batch.partition, offset: m.offset };
        if (parsed.ok) good.push({ event: parsed.event, at: coordinates });
        else bad.push({ message: { ...coordinates, key: m.key, value: m.value }, reason: parsed.reason, errors: parsed.errors });
      }
      await this.deadLetters.park(bad);
      const last = messages[messages.length - 1].offset;
      // A chunk may wait behind whole groups (a backlog after a restart): keep the session alive meanwhile, or the
      // coordinator evicts this member, the group's offset commit fails, and the same backlog comes back forever.
      // kafkajs sends at most one heartbeat per interval however many chunks ask; a failure (a rebalance) surfaces
      // through the offset commit.
      const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.config.KAFKA_HEARTBEAT_INTERVAL_MS);
      try {
        await this.groups.submit({
          topic: batch.topic, partition: batch.partition, firstOffset: BigInt(messages[0].offset), messageCount: messages.length, good,
          resolve: () => resolveOffset(last),
          commitResolved: () => commitOffsetsIfNecessary(uncommittedOffsets()),
        });
      } finally {
        clearInterval(keepAlive);
      }
      await heartbeat();
    }
  }

  /** One transaction for every chunk of the group, each partition's chunks in offset order. */
  private async write(chunks: Chunk[]): Promise<void> {
    await this.record.run([...chunks].sort(byPosition).flatMap((c) => c.good));
  }

  /** After the group's transaction: every chunk's offset resolved, then one offset commit for all of them. */
  private async commit(chunks: Chunk[]): Promise<void> {
    for (const c of chunks) c.resolve();
    // No later group has resolved anything yet, so what is resolved and uncommitted is exactly what is durable.
    await chunks[0].commitResolved();
  }
}

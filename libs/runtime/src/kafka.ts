import type { Admin, KafkaConfig } from 'kafkajs';
import { logLevel } from 'kafkajs';

/**
 * Consumer timings. Production keeps kafkajs' defaults; tests and the local demo pass shorter ones
 * (KAFKA_SESSION_TIMEOUT_MS / KAFKA_HEARTBEAT_INTERVAL_MS) because each rebalance on the local mock
 * broker waits sessionTimeout − 1 s.
 */
export interface KafkaTuning {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
}

export function kafkaClientConfig(clientId: string, brokers: string[]): KafkaConfig {
  return {
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    connectionTimeout: 3_000,
  };
}

/**
 * Messages on `topics` that consumer group `groupId` has not committed yet: Σ over partitions of (end offset −
 * committed offset), counting from the low watermark where the group has committed nothing. The admin's requests
 * go one at a time: kafkajs 2.2.4 can lose a response when one admin sends offset requests concurrently.
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0n;
  for (const topic of topics) {
    const done = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const at = done.get(p.partition) ?? -1n;
      lag += BigInt(p.high) - (at < 0n ? BigInt(p.low) : at);
    }
  }
  return Number(lag);
}

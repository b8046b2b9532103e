import type { KafkaConfig } from 'kafkajs';
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

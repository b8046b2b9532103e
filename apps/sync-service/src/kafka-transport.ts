import { kafkaClientConfig } from '@arbiter/runtime';
import { Transport, type KafkaOptions } from '@nestjs/microservices';
import type { SyncConfig } from './config';

export function kafkaTransport(config: SyncConfig): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig('arbiter-sync', config.KAFKA_BROKERS),
      consumer: {
        groupId: config.KAFKA_GROUP_ID,
        sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
        maxWaitTimeInMs: config.KAFKA_MAX_WAIT_TIME_MS,
        allowAutoTopicCreation: false,
      },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY },
      // Raw bytes reach the handler so a malformed message can be dead-lettered exactly as received.
      parser: { keepBinary: true },
      postfixId: '',
      producerOnlyMode: false,
    },
  };
}

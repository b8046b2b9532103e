import { kafkaClientConfig } from '@arbiter/runtime';
import { Transport, type KafkaOptions } from '@nestjs/microservices';
import type { SyncConfig } from './config';

export function kafkaTransport(config: SyncConfig): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig('arbiter-sync', config.KAFKA_BROKERS),
      consumer: {
        // Its own group: kafkajs assigns every subscribed topic to every member, so the inbox consumer and this one must not share a group.
        groupId: `${config.KAFKA_GROUP_ID}-recon-findings`,
        sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
        maxWaitTimeInMs: config.KAFKA_MAX_WAIT_TIME_MS,
        allowAutoTopicCreation: false,
      },
      subscribe: { fromBeginning: true },
      postfixId: '',
      producerOnlyMode: false,
    },
  };
}

import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { kafkaClientConfig } from '@arbiter/runtime';

export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export type KafkaProducer = Pick<Producer, 'send' | 'sendBatch'>;

/** One producer per process: dead letters now, the outbox relay later. Disconnects last on shutdown. */
@Injectable()
export class KafkaProducerLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly producer: Producer;

  constructor(@Inject('KAFKA_BROKER_LIST') brokers: string[], @Inject('KAFKA_CLIENT_ID') clientId: string) {
    this.producer = new Kafka(kafkaClientConfig(`${clientId}-producer`, brokers)).producer({ allowAutoTopicCreation: false });
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

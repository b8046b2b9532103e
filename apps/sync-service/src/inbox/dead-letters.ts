import { deadLetterFor, Topics } from '@arbiter/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { KAFKA_PRODUCER, type KafkaProducer } from '../kafka-producer';

/**
 * Parks a rejected inbound message on `arbiter.dead-letter.v1` with its reason, field errors and
 * original coordinates, and lets the partition move on. The send is awaited: the offset is only
 * committed after the dead letter is durable, so a bad message is never silently lost.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger(DeadLetters.name);

  constructor(@Inject(KAFKA_PRODUCER) private readonly producer: KafkaProducer) {}

  async park(ctx: KafkaContext, rejection: { reason: string; errors: readonly { path: string; message: string }[] }): Promise<void> {
    const message = ctx.getMessage();
    const letter = deadLetterFor(
      { topic: ctx.getTopic(), partition: ctx.getPartition(), offset: String(message.offset), key: message.key ?? null, value: (message.value as Buffer | string | null) ?? null },
      rejection,
      { eventId: randomUUID(), rejectedAt: new Date().toISOString() },
    );
    await this.producer.send({ topic: Topics.DeadLetter, acks: -1, messages: [{ key: letter.key, value: JSON.stringify(letter) }] });
    this.logger.warn(`dead-lettered topic=${ctx.getTopic()} partition=${ctx.getPartition()} offset=${message.offset} reason=${rejection.reason}`);
  }
}

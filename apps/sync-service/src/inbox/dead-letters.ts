import { deadLetterFor, Topics, type RejectedMessage } from '@arbiter/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { KAFKA_PRODUCER, type KafkaProducer } from '../kafka-producer';

export interface Rejection {
  message: RejectedMessage;
  reason: string;
  errors: readonly { path: string; message: string }[];
}

/**
 * Parks rejected inbound messages on `arbiter.dead-letter.v1` with their reason, field errors and original
 * coordinates, so the partition moves on. The send is awaited: the offset is committed only after the dead
 * letters are durable, so a bad message is never silently lost.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger(DeadLetters.name);

  constructor(@Inject(KAFKA_PRODUCER) private readonly producer: KafkaProducer) {}

  async park(rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    const rejectedAt = new Date().toISOString();
    const letters = rejections.map((r) => deadLetterFor(r.message, r, { eventId: randomUUID(), rejectedAt }));
    await this.producer.send({ topic: Topics.DeadLetter, acks: -1, messages: letters.map((l) => ({ key: l.key, value: JSON.stringify(l) })) });
    for (const l of letters) this.logger.warn(`dead-lettered topic=${l.topic} partition=${l.partition} offset=${l.offset} reason=${l.reason}`);
  }
}

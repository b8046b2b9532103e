import { parseInboundMessage, Topics } from '@arbiter/contracts';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, KafkaRetriableException } from '@nestjs/microservices';
import { DeadLetters } from './dead-letters';
import { RecordInboundEvent } from './record-inbound-event';

/**
 * Thin: parse, delegate, decide retry or park. A bad message goes to the dead-letter topic and the
 * partition keeps flowing; an infrastructure failure is rethrown as retriable so the offset is not
 * committed and the message is redelivered.
 */
@Controller()
export class InboundConsumer {
  private readonly logger = new Logger(InboundConsumer.name);

  constructor(
    private readonly record: RecordInboundEvent,
    private readonly deadLetters: DeadLetters,
  ) {}

  @EventPattern(Topics.SourceCustomers)
  customers(@Ctx() ctx: KafkaContext) {
    return this.handle(ctx);
  }

  @EventPattern(Topics.SourceItems)
  items(@Ctx() ctx: KafkaContext) {
    return this.handle(ctx);
  }

  @EventPattern(Topics.SourceInvoices)
  invoices(@Ctx() ctx: KafkaContext) {
    return this.handle(ctx);
  }

  @EventPattern(Topics.SourcePayments)
  payments(@Ctx() ctx: KafkaContext) {
    return this.handle(ctx);
  }

  @EventPattern(Topics.SourceCreditMemos)
  creditMemos(@Ctx() ctx: KafkaContext) {
    return this.handle(ctx);
  }

  private async handle(ctx: KafkaContext): Promise<void> {
    const message = ctx.getMessage();
    const value = message.value as Buffer | string | null;
    const parsed = parseInboundMessage(ctx.getTopic(), value ?? null);
    try {
      if (!parsed.ok) return await this.deadLetters.park(ctx, parsed);
      await this.record.run(parsed.event, { topic: ctx.getTopic(), partition: ctx.getPartition(), offset: String(message.offset) });
    } catch (error) {
      this.logger.error(`inbound processing failed, will be redelivered topic=${ctx.getTopic()} offset=${message.offset}: ${(error as Error).message}`);
      throw new KafkaRetriableException((error as Error).message);
    }
  }
}

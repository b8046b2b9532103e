import {
  type InboundEvent,
  type InboundTopic,
  messageKeyOf,
  topicForEventType,
} from '@arbiter/contracts';

/** An event as a producer sends it: its topic, its key `<tenantId>:<entityId>`, and its JSON value. */
export interface KafkaMessage {
  topic: InboundTopic;
  key: string;
  value: string;
}

export const toKafkaMessage = (event: InboundEvent): KafkaMessage => ({
  topic: topicForEventType(event.eventType),
  key: messageKeyOf(event),
  value: JSON.stringify(event),
});

import { type ContractError, toContractErrors } from './contract-error';
import { type InboundEvent, InboundEventSchemas } from './inbound-event';
import {
  InboundEventTypesByTopic,
  isInboundEventType,
  isInboundTopic,
  topicForEventType,
} from './topics';

/** Why an inbound message was rejected; the `reason` of its dead letter. */
export type InboundRejectReason =
  | 'unknown_topic'
  | 'empty_value'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'unknown_event_type'
  | 'wrong_topic'
  | 'schema_violation';

export type InboundParseResult =
  | { ok: true; event: InboundEvent }
  | { ok: false; reason: InboundRejectReason; errors: ContractError[] };

const reject = (
  reason: InboundRejectReason,
  path: string,
  message: string,
): InboundParseResult => ({
  ok: false,
  reason,
  errors: [{ path, message }],
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates one Kafka message value read from `topic`. Never throws: every bad message comes back
 * as `{ ok: false, reason, errors }`, ready for `deadLetterFor`, so that it cannot block its partition.
 */
export function parseInboundMessage(
  topic: string,
  value: Uint8Array | string | null | undefined,
): InboundParseResult {
  if (!isInboundTopic(topic))
    return reject(
      'unknown_topic',
      '',
      `"${topic}" is not an Arbiter inbound topic`,
    );
  if (value === null || value === undefined || value.length === 0) {
    return reject(
      'empty_value',
      '',
      'message value is empty; a JSON event is expected',
    );
  }
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else {
    try {
      text = utf8.decode(value);
    } catch {
      return reject('invalid_utf8', '', 'message value is not valid UTF-8');
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return reject(
      'invalid_json',
      '',
      `message value is not JSON: ${(error as Error).message}`,
    );
  }
  return parseInboundEvent(topic, json);
}

/**
 * Validates an already decoded JSON value (e.g. what a Nest Kafka transport hands to `@Payload()`) as an
 * event of `topic`. Never throws.
 */
export function parseInboundEvent(
  topic: string,
  json: unknown,
): InboundParseResult {
  if (!isInboundTopic(topic))
    return reject(
      'unknown_topic',
      '',
      `"${topic}" is not an Arbiter inbound topic`,
    );
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return reject('schema_violation', '', 'an event must be a JSON object');
  }
  const eventType: unknown = (json as { eventType?: unknown }).eventType;
  if (typeof eventType !== 'string') {
    return reject(
      'schema_violation',
      'eventType',
      eventType === undefined
        ? 'eventType is required'
        : 'eventType must be a string',
    );
  }
  if (!isInboundEventType(eventType)) {
    return reject(
      'unknown_event_type',
      'eventType',
      `unknown eventType "${eventType}"`,
    );
  }
  if (
    !(InboundEventTypesByTopic[topic] as readonly string[]).includes(eventType)
  ) {
    return reject(
      'wrong_topic',
      'eventType',
      `"${eventType}" belongs on ${topicForEventType(eventType)}, not on ${topic}`,
    );
  }
  const parsed = InboundEventSchemas[eventType].safeParse(json);
  return parsed.success
    ? { ok: true, event: parsed.data as InboundEvent }
    : {
        ok: false,
        reason: 'schema_violation',
        errors: toContractErrors(parsed.error),
      };
}

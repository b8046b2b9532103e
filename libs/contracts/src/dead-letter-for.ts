import type { ContractError } from './contract-error';
import { DEAD_LETTER_MAX_ERRORS, DeadLetterV1 } from './dead-letter.v1';

/** The message as read from the broker (kafkajs' `EachMessagePayload` fields). */
export interface RejectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Uint8Array | string | null | undefined;
  value: Uint8Array | string | null | undefined;
}

const toBytes = (data: Uint8Array | string): Buffer =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);

/**
 * Builds the dead letter for a rejected message. Pure: the caller supplies `eventId` and `rejectedAt`.
 * The key is decoded as UTF-8 (invalid bytes become U+FFFD); the value is kept byte for byte in base64.
 * Errors beyond `DEAD_LETTER_MAX_ERRORS` are summarised in the last entry.
 * @throws ZodError when the caller's own input is malformed (empty `eventId`, negative partition, bad instant).
 */
export function deadLetterFor(
  message: RejectedMessage,
  rejection: { reason: string; errors: readonly ContractError[] },
  meta: { eventId: string; rejectedAt: string },
): DeadLetterV1 {
  const errors =
    rejection.errors.length <= DEAD_LETTER_MAX_ERRORS
      ? [...rejection.errors]
      : [
          ...rejection.errors.slice(0, DEAD_LETTER_MAX_ERRORS - 1),
          {
            path: '',
            message: `and ${rejection.errors.length - DEAD_LETTER_MAX_ERRORS + 1} more errors`,
          },
        ];
  return DeadLetterV1.parse({
    eventId: meta.eventId,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key:
      message.key === null || message.key === undefined
        ? null
        : toBytes(message.key).toString('utf8'),
    reason: rejection.reason,
    errors,
    rawValue:
      message.value === null || message.value === undefined
        ? null
        : toBytes(message.value).toString('base64'),
    rejectedAt: meta.rejectedAt,
  });
}

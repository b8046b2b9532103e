import { z } from 'zod';
import { IsoInstant } from './calendar-date';
import { EventId } from './identifiers';

/** Errors listed per dead letter; enough to fix a producer, bounded so one bad message stays small. */
export const DEAD_LETTER_MAX_ERRORS = 100;

/**
 * `arbiter.dead-letter.v1`: a rejected inbound message, kept whole (`rawValue`, base64 of the exact bytes) so it
 * can be inspected and replayed. `offset` is a string because Kafka offsets are 64-bit. `key` and `rawValue`
 * are null when the message had none (a tombstone has a null value).
 */
export const DeadLetterV1 = z.strictObject({
  eventId: EventId,
  topic: z.string().min(1).max(249),
  partition: z.int().min(0),
  offset: z
    .string()
    .regex(/^\d+$/, { error: 'offset must be a non-negative integer string' }),
  key: z.string().nullable(),
  reason: z.string().min(1).max(64),
  errors: z
    .array(z.strictObject({ path: z.string(), message: z.string() }))
    .max(DEAD_LETTER_MAX_ERRORS),
  rawValue: z.base64().nullable(),
  rejectedAt: IsoInstant,
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;

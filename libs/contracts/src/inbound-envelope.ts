import { z } from 'zod';
import { IsoInstant } from './calendar-date';
import { EventId, TenantId } from './identifiers';

export const EntityVersion = z
  .int({ error: 'entityVersion must be an integer' })
  .min(1, { error: 'entityVersion must be positive' });

/**
 * The envelope every inbound event shares, around the event's own `data`.
 *
 * The envelope is not strict: unknown keys are dropped, not rejected, because transport metadata (trace ids,
 * producer names) gets added by infrastructure the platform teams do not control, and none of it changes what
 * the event means. `data` is strict (see `invoice-upserted.v1.ts`).
 */
export const inboundEvent = <Type extends string, Data extends z.ZodType>(
  eventType: Type,
  data: Data,
) =>
  z.object({
    eventId: EventId,
    eventType: z.literal(eventType),
    tenantId: TenantId,
    occurredAt: IsoInstant,
    entityVersion: EntityVersion,
    data,
  });

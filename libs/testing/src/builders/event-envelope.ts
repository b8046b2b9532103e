/** Defaults shared by every builder. Ids come from one counter, so each built entity and event is distinct. */
export const DEFAULT_TENANT_ID = 'acme';
export const DEFAULT_OCCURRED_AT = '2026-10-31T12:00:00.000Z';

export interface EnvelopeOverrides {
  eventId?: string;
  tenantId?: string;
  occurredAt?: string;
  entityVersion?: number;
}

let sequence = 0;

/**
 * Random per load of this module: spec files that share one broker and database (a full run) each load it
 * afresh, and the inbox dedupes by eventId, so a counter alone would make their events collide.
 */
const loadPrefix = Array.from({ length: 8 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** `prefix-0001`, `prefix-0002`, …: unique within the test process. */
export const sequentialId = (prefix: string): string =>
  `${prefix}-${String(++sequence).padStart(4, '0')}`;

/** A UUID-shaped event id: unique within the test process, and across loads by the random prefix. */
export const sequentialEventId = (): string =>
  `${loadPrefix}-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;

export function envelopeFor<Type extends string>(
  eventType: Type,
  overrides: EnvelopeOverrides,
) {
  return {
    eventId: overrides.eventId ?? sequentialEventId(),
    eventType,
    tenantId: overrides.tenantId ?? DEFAULT_TENANT_ID,
    occurredAt: overrides.occurredAt ?? DEFAULT_OCCURRED_AT,
    entityVersion: overrides.entityVersion ?? 1,
  };
}

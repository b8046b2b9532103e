import { z } from 'zod';
import { CurrencyCodes, type CurrencyCode } from './currency';

/** A source system's id for an entity; with the tenant it forms the message key `<tenantId>:<entityId>`. */
export const EntityId = z.string().min(1).max(128);

export const EventId = z
  .string()
  .min(1, { error: 'eventId must not be empty' })
  .max(128, { error: 'eventId must be at most 128 characters' });

/**
 * A tenant id. No `:` because the message key is `<tenantId>:<entityId>` and must split unambiguously.
 */
export const TenantId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'tenantId must be letters, digits, ".", "_" or "-"',
  });

export const Currency = z.enum(
  CurrencyCodes as [CurrencyCode, ...CurrencyCode[]],
  {
    error: (issue) =>
      issue.input === undefined
        ? 'currency is required'
        : `${JSON.stringify(issue.input)} is not an ISO 4217 currency code`,
  },
);

/** Bucket ids of an aging schedule: `current`, `1-30`, …, and the open-ended last one such as `91+`. */
export const AgingBucketId = z.string().regex(/^(current|\d+-\d+|\d+\+)$/, {
  error: 'bucket must be "current", "<from>-<to>" or "<from>+"',
});

import { z } from 'zod';
import { RateString } from './decimal-string';
import { EntityId } from './identifiers';
import { inboundEvent } from './inbound-envelope';

export const ItemUpsertedDataV1 = z.strictObject({
  id: EntityId,
  sku: z.string().min(1).max(100).optional(),
  /** QuickBooks item `Name`: unique, at most 100 characters. */
  name: z.string().trim().min(1).max(100),
  description: z.string().max(4000).optional(),
  /** A rate, not an amount: an item has no currency of its own, so only the rate precision applies. */
  unitPrice: RateString.optional(),
  incomeAccountCode: z.string().min(1).max(64).optional(),
  active: z.boolean(),
});
export type ItemUpsertedDataV1 = z.infer<typeof ItemUpsertedDataV1>;

export const ItemUpsertedV1 = inboundEvent('item.upserted', ItemUpsertedDataV1);
export type ItemUpsertedV1 = z.infer<typeof ItemUpsertedV1>;

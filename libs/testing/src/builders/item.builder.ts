import type { ItemUpsertedDataV1, ItemUpsertedV1 } from '@arbiter/contracts';
import {
  type EnvelopeOverrides,
  envelopeFor,
  sequentialId,
} from './event-envelope';

export type ItemUpsertedOverrides = EnvelopeOverrides & {
  data?: Partial<ItemUpsertedDataV1>;
};

export function buildItemUpserted(
  overrides: ItemUpsertedOverrides = {},
): ItemUpsertedV1 {
  const id = overrides.data?.id ?? sequentialId('item');
  return {
    ...envelopeFor('item.upserted', overrides),
    data: {
      id,
      sku: id.toUpperCase(),
      name: `Item ${id}`,
      unitPrice: '100.00',
      incomeAccountCode: '4000',
      active: true,
      ...overrides.data,
    },
  };
}

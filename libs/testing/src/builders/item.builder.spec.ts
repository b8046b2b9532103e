import { ItemUpsertedV1 } from '@arbiter/contracts';
import { buildItemUpserted } from './item.builder';

describe(buildItemUpserted.name, () => {
  it('builds a valid item with overridable fields', () => {
    const sut = buildItemUpserted({
      data: { unitPrice: '0.0045', sku: undefined },
    });

    expect(ItemUpsertedV1.safeParse(sut).success).toBe(true);
    expect(sut.data.unitPrice).toBe('0.0045');
  });
});

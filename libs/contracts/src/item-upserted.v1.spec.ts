import { envelope, itemData } from '../test/events.fixture';
import { toContractErrors } from './contract-error';
import { ItemUpsertedV1 } from './item-upserted.v1';

const errorsOf = (data: Record<string, unknown>) => {
  const result = ItemUpsertedV1.safeParse(envelope('item.upserted', data));
  return result.success ? [] : toContractErrors(result.error);
};

describe('ItemUpsertedV1', () => {
  it('accepts an item, including a sub-cent unit price', () => {
    expect(errorsOf(itemData())).toEqual([]);
    expect(errorsOf(itemData({ unitPrice: '0.0045' }))).toEqual([]);
  });

  it('rejects a unit price sent as a number and an empty name', () => {
    expect(errorsOf(itemData({ unitPrice: 500, name: '' }))).toEqual([
      { path: 'data.name', message: expect.any(String) },
      {
        path: 'data.unitPrice',
        message: expect.stringContaining('not a JSON number'),
      },
    ]);
  });
});

import { customerData, envelope } from '../test/events.fixture';
import { toContractErrors } from './contract-error';
import { CustomerUpsertedV1 } from './customer-upserted.v1';

const errorsOf = (data: Record<string, unknown>) => {
  const result = CustomerUpsertedV1.safeParse(
    envelope('customer.upserted', data),
  );
  return result.success ? [] : toContractErrors(result.error);
};

describe('CustomerUpsertedV1', () => {
  it('accepts a customer with and without the optional fields', () => {
    expect(errorsOf(customerData())).toEqual([]);
    expect(
      errorsOf({ id: 'c', displayName: 'C', currency: 'EUR', active: false }),
    ).toEqual([]);
  });

  it('names each bad field', () => {
    const errors = errorsOf(
      customerData({
        billingEmail: 'not-an-email',
        currency: 'usd',
        paymentTermsDays: -1,
        displayName: '  ',
      }),
    );

    expect(errors.map((error) => error.path).sort()).toEqual([
      'data.billingEmail',
      'data.currency',
      'data.displayName',
      'data.paymentTermsDays',
    ]);
  });

  it('requires active', () => {
    expect(
      errorsOf(customerData({ active: undefined })).map((error) => error.path),
    ).toEqual(['data.active']);
  });
});

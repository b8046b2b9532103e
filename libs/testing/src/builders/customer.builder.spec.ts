import { CustomerUpsertedV1 } from '@arbiter/contracts';
import { buildCustomerUpserted } from './customer.builder';

describe(buildCustomerUpserted.name, () => {
  it('builds a valid customer with overridable fields', () => {
    const sut = buildCustomerUpserted({
      data: { id: 'cus-7', currency: 'EUR', paymentTermsDays: 45 },
    });

    expect(CustomerUpsertedV1.safeParse(sut).success).toBe(true);
    expect(sut.data).toMatchObject({
      id: 'cus-7',
      currency: 'EUR',
      paymentTermsDays: 45,
      active: true,
    });
  });
});

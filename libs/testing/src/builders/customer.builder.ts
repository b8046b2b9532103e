import type {
  CustomerUpsertedDataV1,
  CustomerUpsertedV1,
} from '@arbiter/contracts';
import {
  type EnvelopeOverrides,
  envelopeFor,
  sequentialId,
} from './event-envelope';

export type CustomerUpsertedOverrides = EnvelopeOverrides & {
  data?: Partial<CustomerUpsertedDataV1>;
};

export function buildCustomerUpserted(
  overrides: CustomerUpsertedOverrides = {},
): CustomerUpsertedV1 {
  const id = overrides.data?.id ?? sequentialId('cus');
  return {
    ...envelopeFor('customer.upserted', overrides),
    data: {
      id,
      displayName: `Customer ${id}`,
      billingEmail: `ap+${id}@example.test`,
      currency: 'USD',
      paymentTermsDays: 30,
      active: true,
      ...overrides.data,
    },
  };
}

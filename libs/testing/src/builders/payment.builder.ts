import type {
  PaymentRecordedDataV1,
  PaymentRecordedV1,
  PaymentVoidedV1,
} from '@arbiter/contracts';
import { Money } from '@arbiter/domain';
import {
  type EnvelopeOverrides,
  envelopeFor,
  sequentialId,
} from './event-envelope';

export type PaymentRecordedOverrides = EnvelopeOverrides & {
  data?: Partial<PaymentRecordedDataV1>;
};

/** A `payment.recorded`; `amount` defaults to Σ applications, so the payment is fully applied. */
export function buildPaymentRecorded(
  overrides: PaymentRecordedOverrides = {},
): PaymentRecordedV1 {
  const data = overrides.data ?? {};
  const currency = data.currency ?? 'USD';
  const applications = data.applications ?? [
    { invoiceId: 'inv-1', amount: '250.00' },
  ];
  const applied = Money.sum(
    applications.map((application) =>
      Money.parse(application.amount, currency),
    ),
    currency,
  );
  return {
    ...envelopeFor('payment.recorded', overrides),
    data: {
      id: sequentialId('pay'),
      customerId: 'cus-1',
      receivedOn: '2026-10-15',
      method: 'ach',
      ...data,
      currency,
      applications,
      amount: data.amount ?? applied.toString(),
    },
  };
}

export function buildPaymentVoided(
  overrides: EnvelopeOverrides & { data?: { id?: string } } = {},
): PaymentVoidedV1 {
  return {
    ...envelopeFor('payment.voided', { entityVersion: 2, ...overrides }),
    data: { id: overrides.data?.id ?? sequentialId('pay') },
  };
}

import type { z } from 'zod';
import { CreditMemoCancelledV1 } from './credit-memo-cancelled.v1';
import { CreditMemoUpsertedV1 } from './credit-memo-upserted.v1';
import { CustomerUpsertedV1 } from './customer-upserted.v1';
import { InvoiceCancelledV1 } from './invoice-cancelled.v1';
import { InvoiceUpsertedV1 } from './invoice-upserted.v1';
import { ItemUpsertedV1 } from './item-upserted.v1';
import { PaymentRecordedV1 } from './payment-recorded.v1';
import { PaymentVoidedV1 } from './payment-voided.v1';
import type { InboundEventType } from './topics';

/** The schema of each inbound event type. */
export const InboundEventSchemas = {
  'customer.upserted': CustomerUpsertedV1,
  'item.upserted': ItemUpsertedV1,
  'invoice.upserted': InvoiceUpsertedV1,
  'invoice.cancelled': InvoiceCancelledV1,
  'payment.recorded': PaymentRecordedV1,
  'payment.voided': PaymentVoidedV1,
  'credit-memo.upserted': CreditMemoUpsertedV1,
  'credit-memo.cancelled': CreditMemoCancelledV1,
} as const satisfies Record<InboundEventType, z.ZodType>;

/** Any valid inbound event; narrow on `eventType`. */
export type InboundEvent = {
  [Type in InboundEventType]: z.infer<(typeof InboundEventSchemas)[Type]>;
}[InboundEventType];

export type InboundEventOf<Type extends InboundEventType> = Extract<
  InboundEvent,
  { eventType: Type }
>;

/** The Kafka message key of an event: `<tenantId>:<entityId>`, so one entity's events stay in order. */
export const messageKeyOf = (event: InboundEvent): string =>
  `${event.tenantId}:${event.data.id}`;

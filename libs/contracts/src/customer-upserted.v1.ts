import { z } from 'zod';
import { Currency, EntityId } from './identifiers';
import { inboundEvent } from './inbound-envelope';

export const CustomerUpsertedDataV1 = z.strictObject({
  id: EntityId,
  /** QuickBooks `DisplayName` is unique per company and at most 500 characters. */
  displayName: z.string().trim().min(1).max(500),
  billingEmail: z
    .email({ error: 'billingEmail must be an e-mail address' })
    .optional(),
  companyName: z.string().max(100).optional(),
  currency: Currency,
  /** Days from issue to due date for this customer's invoices ("net 30" = 30). */
  paymentTermsDays: z.int().min(0).max(3650).optional(),
  active: z.boolean(),
});
export type CustomerUpsertedDataV1 = z.infer<typeof CustomerUpsertedDataV1>;

export const CustomerUpsertedV1 = inboundEvent(
  'customer.upserted',
  CustomerUpsertedDataV1,
);
export type CustomerUpsertedV1 = z.infer<typeof CustomerUpsertedV1>;

import type { z } from 'zod';
import { EntityRefV1 } from './entity-ref';
import { inboundEvent } from './inbound-envelope';

/** Voids the payment; its applications are undone and the invoices reopen. */
export const PaymentVoidedV1 = inboundEvent('payment.voided', EntityRefV1);
export type PaymentVoidedV1 = z.infer<typeof PaymentVoidedV1>;

import type { z } from 'zod';
import { EntityRefV1 } from './entity-ref';
import { inboundEvent } from './inbound-envelope';

/** Cancels the invoice; in QuickBooks it is voided, never deleted. */
export const InvoiceCancelledV1 = inboundEvent(
  'invoice.cancelled',
  EntityRefV1,
);
export type InvoiceCancelledV1 = z.infer<typeof InvoiceCancelledV1>;

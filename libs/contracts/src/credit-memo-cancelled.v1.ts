import type { z } from 'zod';
import { EntityRefV1 } from './entity-ref';
import { inboundEvent } from './inbound-envelope';

/** Cancels the credit memo; in QuickBooks it is voided. */
export const CreditMemoCancelledV1 = inboundEvent(
  'credit-memo.cancelled',
  EntityRefV1,
);
export type CreditMemoCancelledV1 = z.infer<typeof CreditMemoCancelledV1>;

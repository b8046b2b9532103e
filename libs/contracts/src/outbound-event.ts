import type { z } from 'zod';
import { DeadLetterV1 } from './dead-letter.v1';
import { PaymentImportedV1 } from './payment-imported.v1';
import { ReconCompletedV1 } from './recon-completed.v1';
import { ReconDiscrepancyV1 } from './recon-discrepancy.v1';
import { SyncBalanceV1 } from './sync-balance.v1';
import { SyncStatusV1 } from './sync-status.v1';
import { type OutboundTopic, Topics } from './topics';

/** The schema of what each outbound topic carries; producers validate with it before publishing. */
export const OutboundEventSchemas = {
  [Topics.SyncStatus]: SyncStatusV1,
  [Topics.SyncBalances]: SyncBalanceV1,
  [Topics.SyncPaymentsImported]: PaymentImportedV1,
  [Topics.ReconCompleted]: ReconCompletedV1,
  [Topics.ReconDiscrepancies]: ReconDiscrepancyV1,
  [Topics.DeadLetter]: DeadLetterV1,
} as const satisfies Record<OutboundTopic, z.ZodType>;

export type OutboundEventOf<T extends OutboundTopic> = z.infer<
  (typeof OutboundEventSchemas)[T]
>;

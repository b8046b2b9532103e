import { z } from 'zod';
import { reporterFor } from './contract-error';
import { MoneyString } from './decimal-string';
import {
  AgingBucketId,
  Currency,
  EntityId,
  EventId,
  TenantId,
} from './identifiers';
import { formatUnits, parseScaled, unitsAt } from './scaled-decimal';

export const DiscrepancyKinds = [
  'missing_in_qbo',
  'missing_in_source',
  'amount_mismatch',
  'balance_mismatch',
  'customer_mismatch',
  'voided_in_qbo',
  'duplicate_in_qbo',
  'bucket_mismatch',
] as const;
export type DiscrepancyKind = (typeof DiscrepancyKinds)[number];

/**
 * `arbiter.recon.discrepancies.v1`: one flagged transaction. Invariant: `difference = sourceAmount − qboAmount`,
 * an absent side counting as zero (missing in QuickBooks → +source; only in QuickBooks → −qbo), so the
 * discrepancies of a run add up to its total difference. `currency` is an addition to CONTRACT.md (optional).
 */
export const ReconDiscrepancyV1 = z
  .strictObject({
    eventId: EventId,
    tenantId: TenantId,
    runId: z.string().min(1).max(128),
    kind: z.enum(DiscrepancyKinds),
    customerId: EntityId.optional(),
    sourceId: EntityId.optional(),
    qboId: z.string().min(1).max(64).optional(),
    currency: Currency.optional(),
    sourceAmount: MoneyString.optional(),
    qboAmount: MoneyString.optional(),
    difference: MoneyString,
    bucket: AgingBucketId.optional(),
  })
  .superRefine((event, ctx) => {
    const [source, qbo, difference] = [
      event.sourceAmount ?? '0',
      event.qboAmount ?? '0',
      event.difference,
    ].map(parseScaled);
    const scale = Math.max(source.scale, qbo.scale, difference.scale);
    const expected = unitsAt(source, scale) - unitsAt(qbo, scale);
    if (unitsAt(difference, scale) !== expected) {
      reporterFor(ctx)(
        ['difference'],
        `difference must be sourceAmount − qboAmount = ${formatUnits(expected, scale)}, got ${event.difference}`,
      );
    }
  });
export type ReconDiscrepancyV1 = z.infer<typeof ReconDiscrepancyV1>;

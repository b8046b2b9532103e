import { z } from 'zod';
import { IsoDate } from './calendar-date';
import { reporterFor } from './contract-error';
import { MoneyString } from './decimal-string';
import { AgingBucketId, Currency, EventId, TenantId } from './identifiers';
import { formatUnits, parseScaled, unitsAt } from './scaled-decimal';

export const ReconStatuses = ['in_sync', 'out_of_sync', 'failed'] as const;
export type ReconStatus = (typeof ReconStatuses)[number];

export const AgingBases = ['due_date', 'issue_date'] as const;
export type AgingBasis = (typeof AgingBases)[number];

/** One aging bucket of a run; invariant `difference = source − qbo`, exactly. */
export const ReconBucketV1 = z.strictObject({
  bucket: AgingBucketId,
  source: MoneyString,
  qbo: MoneyString,
  difference: MoneyString,
});
export type ReconBucketV1 = z.infer<typeof ReconBucketV1>;

/**
 * `arbiter.recon.completed.v1`. `reportSha256` is required unless the run failed (a failed run may have no
 * report). `agingBasis` and `currency` are additions to CONTRACT.md (optional).
 */
export const ReconCompletedV1 = z
  .strictObject({
    eventId: EventId,
    tenantId: TenantId,
    runId: z.string().min(1).max(128),
    asOf: IsoDate,
    agingBasis: z.enum(AgingBases).optional(),
    currency: Currency.optional(),
    status: z.enum(ReconStatuses),
    buckets: z.array(ReconBucketV1),
    discrepancyCount: z.int().min(0),
    reportSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, {
        error: 'reportSha256 must be 64 lowercase hex digits',
      })
      .optional(),
  })
  .superRefine((event, ctx) => {
    const report = reporterFor(ctx);
    if (event.status !== 'failed' && event.reportSha256 === undefined) {
      report(['reportSha256'], 'a completed run must name its report hash');
    }
    event.buckets.forEach((bucket, index) => {
      const [source, qbo, difference] = [
        bucket.source,
        bucket.qbo,
        bucket.difference,
      ].map(parseScaled);
      const scale = Math.max(source.scale, qbo.scale, difference.scale);
      const expected = unitsAt(source, scale) - unitsAt(qbo, scale);
      if (unitsAt(difference, scale) !== expected) {
        report(
          ['buckets', index, 'difference'],
          `difference must be source − qbo = ${formatUnits(expected, scale)}, got ${bucket.difference}`,
        );
      }
    });
  });
export type ReconCompletedV1 = z.infer<typeof ReconCompletedV1>;

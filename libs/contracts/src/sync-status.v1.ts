import { z } from 'zod';
import { IsoInstant } from './calendar-date';
import { reporterFor } from './contract-error';
import { EntityId, EventId, TenantId } from './identifiers';
import { EntityVersion } from './inbound-envelope';

export const SyncEntityTypes = [
  'customer',
  'item',
  'invoice',
  'payment',
  'credit-memo',
] as const;
export type SyncEntityType = (typeof SyncEntityTypes)[number];

export const SyncStatuses = [
  'pushed',
  'updated',
  'voided',
  'failed',
  'skipped',
  'cleared',
  'marked_paid',
] as const;
export type SyncStatus = (typeof SyncStatuses)[number];

/** Why a document did not sync, in words a controller can act on. */
export const SyncProblemV1 = z.strictObject({
  code: z.string().min(1).max(64),
  message: z.string().min(1).max(2000),
  /** QuickBooks `Fault.Error.code` (e.g. "6240"), when QuickBooks refused. */
  qboErrorCode: z.string().min(1).max(16).optional(),
});
export type SyncProblemV1 = z.infer<typeof SyncProblemV1>;

/** `arbiter.sync.status.v1`: one event per document state change. A `failed` status carries its `problem`. */
export const SyncStatusV1 = z
  .strictObject({
    eventId: EventId,
    tenantId: TenantId,
    entityType: z.enum(SyncEntityTypes),
    sourceId: EntityId,
    status: z.enum(SyncStatuses),
    qboId: z.string().min(1).max(64).optional(),
    /** The source `entityVersion` this state belongs to, when there is one. */
    entityVersion: EntityVersion.optional(),
    at: IsoInstant,
    problem: SyncProblemV1.optional(),
  })
  .superRefine((event, ctx) => {
    if (event.status === 'failed' && event.problem === undefined)
      reporterFor(ctx)(['problem'], 'a failed status must say why');
  });
export type SyncStatusV1 = z.infer<typeof SyncStatusV1>;

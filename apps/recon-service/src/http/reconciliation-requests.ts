import { AgingBases, Currency, DecimalPattern, DiscrepancyKinds, isCalendarDate, TenantId } from '@arbiter/contracts';
import { z } from 'zod';
import { ReconError } from '../errors';

/** The request bodies and queries of the internal API; every bad field is reported, each with its path. */
export const StartReconciliationBody = z.strictObject({
  asOf: z.string({ error: 'asOf is required (YYYY-MM-DD)' }).refine(isCalendarDate, 'asOf must be a calendar date YYYY-MM-DD'),
  agingBasis: z.enum(AgingBases).optional(),
  /** Extension: days per aging period (QuickBooks' aging_period), default 30. */
  agingPeriodDays: z.int().min(1).max(365).optional(),
  /** Extension: periods after Current, the last open-ended (QuickBooks' num_periods), default 4; at most 12 so the report's summary fits its cover. */
  agingPeriods: z.int().min(1).max(12).optional(),
  /** Extension: largest per-document difference not flagged, a non-negative decimal string; default RECON_TOLERANCE. */
  tolerance: z.string().regex(DecimalPattern, 'tolerance must be a decimal string such as "0.01"').refine((t) => !t.startsWith('-'), 'tolerance must not be negative').optional(),
  /** Extension: reconcile documents of this currency; default the tenant's customers' most common currency. */
  currency: Currency.optional(),
});
export type StartReconciliationBody = z.infer<typeof StartReconciliationBody>;

const limit = z.coerce.number().int().min(1).max(500).default(50);

export const ListQuery = z.object({ limit, cursor: z.string().max(500).optional() });
export const RunQuery = z.object({ allCustomers: z.enum(['true', 'false']).optional() });
export const DiscrepancyQuery = z.object({
  kind: z.enum(DiscrepancyKinds).optional(),
  limit,
  cursor: z.string().max(500).optional(),
});
export const TenantParam = TenantId;
/** A run id that is not a UUID cannot exist: it is answered 404, like any other unknown run. */
export const RunIdParam = z.uuid();

/**
 * Parses `input` or throws INVALID_REQUEST listing every bad field, prefixed with where it was (`query.limit`).
 * @throws ReconError INVALID_REQUEST
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, where?: 'query' | 'path'): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const at = (path: string) => [where, path || undefined].filter(Boolean).join('.') || '(body)';
  const errors = parsed.error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    // An unknown field is reported under its own name, one error each.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: at(path ? `${path}.${key}` : key), message: 'is not a known field' }));
    return [{ field: at(path), message: issue.message }];
  });
  throw new ReconError('INVALID_REQUEST', `invalid request: ${errors.map((e) => `${e.field} (${e.message})`).join('; ')}`, errors);
}

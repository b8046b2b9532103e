import {
  type AgingBasis,
  type AgingBucket,
  type AgingSchedule,
  agingBuckets,
  bucketIndexForAge,
  DEFAULT_AGING_SCHEDULE,
} from '../aging/aging';
import { toEpochDay } from '../aging/calendar-day';
import { CurrencyMismatch, DomainError } from '../errors';
import { Money } from '../money/money';
import {
  type Discrepancy,
  type DiscrepancyKind,
  DISCREPANCY_KINDS,
  OPENING_BALANCE_ACTION,
  SUGGESTED_ACTIONS,
} from './discrepancy';
import {
  type LedgerItem,
  type LinkedSourceInfo,
  type QboItem,
  qboKey,
  type SourceItem,
} from './ledger-item';
import { MATCH_PASSES, type MatchPass, matchItems } from './match';
import {
  type BucketComparison,
  checkTieOut,
  compareBuckets,
  type TieOutResult,
  type TieOutTotals,
  type TieOutViolation,
} from './tie-out';

export interface ReconcileOptions {
  /** `YYYY-MM-DD`: both sides are taken and aged as of this date. */
  asOf: string;
  /** Every amount is in this currency; the domain never converts. */
  currency: string;
  basis?: AgingBasis;
  schedule?: Partial<AgingSchedule>;
  /**
   * Largest difference per document (and per customer opening balance per bucket) that is not flagged; default
   * zero. Tolerated differences are still counted, so the run keeps tying out to the cent.
   */
  tolerance?: Money;
  /** The cut-over: before it only opening-balance totals are compared, per customer and bucket. */
  inSyncPoint?: string | null;
}

export interface ReconcileInput extends ReconcileOptions {
  source: readonly SourceItem[];
  qbo: readonly QboItem[];
  /** Source customer id → QuickBooks customer id (`sync_link`, manual mappings). */
  customerLinks: ReadonlyMap<string, string>;
  /** `qboKey(kind, qboId)` → the platform document linked to it, to explain QuickBooks-only documents. */
  linkedSources?: ReadonlyMap<string, LinkedSourceInfo>;
}

export interface CustomerComparison {
  /** Source customer id; absent when the QuickBooks customer is linked to no platform customer. */
  customerId?: string;
  qboCustomerId?: string;
  buckets: BucketComparison[];
  totals: TieOutTotals;
  /** True when some bucket differs; the API lists only these by default. */
  differs: boolean;
}

export interface MatchingSummary {
  sourceItems: number;
  qboItems: number;
  pairsByPass: Record<MatchPass, number>;
  /** Source documents whose stored QuickBooks Id QuickBooks does not have (deleted, or dated after `asOf`). */
  brokenLinks: number;
  unmatchedSource: number;
  unmatchedQbo: number;
  openingSource: number;
  openingQbo: number;
}

export interface Reconciliation {
  asOf: string;
  basis: AgingBasis;
  schedule: AgingSchedule;
  bucketDefinitions: AgingBucket[];
  currency: string;
  tolerance: Money;
  inSyncPoint: string | null;
  /** Per bucket, in schedule order; `difference = source − qbo`. */
  buckets: BucketComparison[];
  totals: TieOutTotals;
  /** Every customer with A/R on either side, ordered by id (source ids first, then QuickBooks-only ones). */
  customers: CustomerComparison[];
  /** In report order: by kind (see DISCREPANCY_KINDS), then customer, then document. */
  discrepancies: Discrepancy[];
  discrepancyCounts: Partial<Record<DiscrepancyKind, number>>;
  /** Σ differences within tolerance (zero when the tolerance is zero). */
  toleratedDifference: Money;
  /** Opening balances (before the in-sync point), included in every total above. */
  opening: { source: Money; qbo: Money };
  matching: MatchingSummary;
  tieOut: TieOutResult;
  /**
   * Everything that does not add up: the tie-out's violations, plus discrepancies + tolerated ≠ total difference,
   * plus customers not summing to their bucket. Empty on every correct run; a caller must fail a run that has any.
   */
  violations: TieOutViolation[];
  status: 'in_sync' | 'out_of_sync';
}

interface CustomerRow {
  customerId?: string;
  qboCustomerId?: string;
  source: bigint[];
  qbo: bigint[];
  openingSource?: bigint[];
  openingQbo?: bigint[];
}

const NONE = -1;
const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const compareText = (a: string, b: string): number =>
  a < b ? -1 : a > b ? 1 : 0;

/**
 * Reconciles the two sides' A/R as of a date: ages every document the same way, totals per bucket and per customer,
 * pairs documents (see `matchItems`) and classifies every difference, then proves the totals tie out:
 * Σ source − Σ QuickBooks = Σ bucket differences = Σ discrepancies + Σ tolerated, to the minor unit.
 * Pure and deterministic: the same input gives the same result, in the same order.
 * @throws DomainError INVALID_DATE, INVALID_AGING_SCHEDULE, UNKNOWN_CURRENCY, INVALID_AMOUNT (negative tolerance);
 *   CurrencyMismatch (tolerance in another currency)
 */
export function reconcile(input: ReconcileInput): Reconciliation {
  const { currency, asOf } = input;
  const basis = input.basis ?? 'due_date';
  const schedule: AgingSchedule = {
    ...DEFAULT_AGING_SCHEDULE,
    ...input.schedule,
  };
  const definitions = agingBuckets(schedule);
  const bucketCount = definitions.length;
  const tolerance = input.tolerance ?? Money.zero(currency);
  if (tolerance.currency !== currency)
    throw new CurrencyMismatch(currency, tolerance.currency, 'compare');
  if (tolerance.isNegative())
    throw new DomainError(
      'INVALID_AMOUNT',
      `tolerance must not be negative, got ${tolerance.toString()}`,
    );
  const toleranceMinor = tolerance.toMinorUnits();
  const inSyncPoint = input.inSyncPoint ?? null;
  const money = (units: bigint): Money => Money.fromMinorUnits(units, currency);

  // Dates repeat across documents; parse each once.
  const asOfDay = toEpochDay(asOf);
  const days = new Map<string, number>();
  const dayOf = (date: string): number => {
    let day = days.get(date);
    if (day === undefined) days.set(date, (day = toEpochDay(date)));
    return day;
  };
  const bucketOf = (item: LedgerItem): number =>
    bucketIndexForAge(
      asOfDay - dayOf(basis === 'due_date' ? item.dueDate : item.txnDate),
      schedule,
    );

  const links = input.customerLinks;
  const sourceCustomerOf = new Map<string, string>();
  for (const [sourceId, qboId] of links)
    if (!sourceCustomerOf.has(qboId)) sourceCustomerOf.set(qboId, sourceId);
  const bySource = new Map<string, CustomerRow>();
  const qboOnly = new Map<string, CustomerRow>();
  const emptyRow = (
    customerId?: string,
    qboCustomerId?: string,
  ): CustomerRow => ({
    customerId,
    qboCustomerId,
    source: new Array<bigint>(bucketCount).fill(0n),
    qbo: new Array<bigint>(bucketCount).fill(0n),
  });
  const rowOfSource = (customerId: string): CustomerRow => {
    let row = bySource.get(customerId);
    if (!row)
      bySource.set(
        customerId,
        (row = emptyRow(customerId, links.get(customerId))),
      );
    return row;
  };
  const rowOfQbo = (qboCustomerId: string): CustomerRow => {
    const sourceId = sourceCustomerOf.get(qboCustomerId);
    if (sourceId !== undefined) return rowOfSource(sourceId);
    let row = qboOnly.get(qboCustomerId);
    if (!row)
      qboOnly.set(qboCustomerId, (row = emptyRow(undefined, qboCustomerId)));
    return row;
  };

  const { source, qbo } = input;
  const sourceTotals = new Array<bigint>(bucketCount).fill(0n);
  const qboTotals = new Array<bigint>(bucketCount).fill(0n);
  const sourceBucket = new Uint8Array(source.length);
  const qboBucket = new Uint8Array(qbo.length);
  let sourceSum = 0n;
  let qboSum = 0n;
  for (let s = 0; s < source.length; s++) {
    const item = source[s];
    const b = bucketOf(item);
    sourceBucket[s] = b;
    sourceTotals[b] += item.openMinor;
    rowOfSource(item.customerId).source[b] += item.openMinor;
    sourceSum += item.openMinor;
  }
  for (let q = 0; q < qbo.length; q++) {
    const item = qbo[q];
    const b = bucketOf(item);
    qboBucket[q] = b;
    qboTotals[b] += item.openMinor;
    rowOfQbo(item.customerId).qbo[b] += item.openMinor;
    qboSum += item.openMinor;
  }

  const matching = matchItems(source, qbo, {
    customerLinks: links,
    inSyncPoint,
  });
  const discrepancies: Discrepancy[] = [];
  let tolerated = 0n;
  let openingSource = 0n;
  let openingQbo = 0n;
  let openingSourceCount = 0;
  let openingQboCount = 0;
  let unmatchedSource = 0;
  let unmatchedQbo = 0;
  const flag = (
    kind: DiscrepancyKind,
    fields: Omit<Discrepancy, 'kind' | 'suggestedAction' | 'difference'> & {
      differenceMinor: bigint;
    },
  ): void => {
    const { differenceMinor, ...rest } = fields;
    discrepancies.push({
      kind,
      ...rest,
      difference: money(differenceMinor),
      suggestedAction: SUGGESTED_ACTIONS[kind],
    });
  };

  for (let s = 0; s < source.length; s++) {
    const item = source[s];
    if (item.opening) {
      const row = rowOfSource(item.customerId);
      (row.openingSource ??= new Array<bigint>(bucketCount).fill(0n))[
        sourceBucket[s]
      ] += item.openMinor;
      openingSource += item.openMinor;
      openingSourceCount++;
      continue;
    }
    const q = matching.partnerOfSource[s];
    if (q === NONE) {
      unmatchedSource++;
      if (item.openMinor === 0n) continue;
      flag('missing_in_qbo', {
        txnKind: item.kind,
        customerId: item.customerId,
        qboCustomerId: links.get(item.customerId),
        sourceId: item.id,
        qboId: item.qboId,
        number: item.number,
        sourceAmount: money(item.openMinor),
        differenceMinor: item.openMinor,
        bucket: definitions[sourceBucket[s]].id,
        note:
          item.qboId === undefined
            ? `never pushed (no QuickBooks link), and QuickBooks has no ${item.kind} with its number or amount and date`
            : `linked to QuickBooks ${item.kind} ${item.qboId}, which QuickBooks does not have dated on or before ${asOf} (deleted, or re-dated)`,
      });
      continue;
    }
    const other = qbo[q];
    const difference = item.openMinor - other.openMinor;
    const sb = sourceBucket[s];
    const qb = qboBucket[q];
    const linkedCustomer = links.get(item.customerId);
    const pass = MATCH_PASSES[matching.passOfSource[s]];
    const how =
      pass === 'link'
        ? ''
        : item.qboId === undefined
          ? ` (matched by ${pass.replace(/_/g, ' ')}; no stored link)`
          : ` (stored link ${item.qboId} not found; matched by ${pass.replace(/_/g, ' ')})`;
    let kind: DiscrepancyKind | undefined;
    let note = '';
    if (other.voided && (item.openMinor !== 0n || item.totalMinor !== 0n)) {
      kind = 'voided_in_qbo';
      note = `voided in QuickBooks; ${money(item.openMinor).toString()} open on the platform`;
    } else if (linkedCustomer !== other.customerId) {
      kind = 'customer_mismatch';
      note = `filed under QuickBooks customer ${other.customerId}; platform customer ${item.customerId} is ${linkedCustomer === undefined ? 'linked to no QuickBooks customer' : `linked to ${linkedCustomer}`}`;
    } else if (abs(item.totalMinor - other.totalMinor) > toleranceMinor) {
      kind = 'amount_mismatch';
      note = `total ${money(item.totalMinor).toString()} on the platform, ${money(other.totalMinor).toString()} in QuickBooks`;
    } else if (abs(difference) > toleranceMinor) {
      kind = 'balance_mismatch';
      note = `same total; open ${money(item.openMinor).toString()} on the platform, ${money(other.openMinor).toString()} in QuickBooks`;
    } else if (sb !== qb && (item.openMinor !== 0n || other.openMinor !== 0n)) {
      kind = 'bucket_mismatch';
      note = `due ${item.dueDate} (${definitions[sb].label}) on the platform, ${other.dueDate} (${definitions[qb].label}) in QuickBooks`;
    }
    if (kind === undefined) {
      tolerated += difference;
      continue;
    }
    flag(kind, {
      txnKind: item.kind,
      customerId: item.customerId,
      qboCustomerId: other.customerId,
      sourceId: item.id,
      qboId: other.id,
      number: item.number ?? other.number,
      sourceAmount: money(item.openMinor),
      qboAmount: money(other.openMinor),
      differenceMinor: difference,
      bucket: definitions[sb].id,
      qboBucket: qb === sb ? undefined : definitions[qb].id,
      note: note + how,
    });
  }

  for (let q = 0; q < qbo.length; q++) {
    if (matching.partnerOfQbo[q] !== NONE) continue;
    const item = qbo[q];
    const row = rowOfQbo(item.customerId);
    if (matching.qboOpening[q] === 1) {
      (row.openingQbo ??= new Array<bigint>(bucketCount).fill(0n))[
        qboBucket[q]
      ] += item.openMinor;
      openingQbo += item.openMinor;
      openingQboCount++;
      continue;
    }
    unmatchedQbo++;
    const original = matching.duplicateOf[q];
    if (original === NONE && item.openMinor === 0n) continue;
    const linked = input.linkedSources?.get(qboKey(item.kind, item.id));
    flag(original === NONE ? 'missing_in_source' : 'duplicate_in_qbo', {
      txnKind: item.kind,
      customerId: row.customerId,
      qboCustomerId: item.customerId,
      sourceId: linked?.sourceId,
      qboId: item.id,
      number: item.number,
      qboAmount: money(item.openMinor),
      differenceMinor: -item.openMinor,
      bucket: definitions[qboBucket[q]].id,
      note:
        original !== NONE
          ? `repeats QuickBooks ${item.kind} ${qbo[original].id}${item.number ? ` (number ${item.number})` : ''}`
          : linked
            ? `linked to platform ${item.kind} ${linked.sourceId}, which is ${linked.state} there`
            : 'not linked to any platform document',
    });
  }

  const rows = [
    ...[...bySource.values()].sort((a, b) =>
      compareText(a.customerId ?? '', b.customerId ?? ''),
    ),
    ...[...qboOnly.values()].sort((a, b) =>
      compareText(a.qboCustomerId ?? '', b.qboCustomerId ?? ''),
    ),
  ];
  if (inSyncPoint !== null) {
    for (const row of rows) {
      if (!row.openingSource && !row.openingQbo) continue;
      for (let b = 0; b < bucketCount; b++) {
        const sourceAmount = row.openingSource?.[b] ?? 0n;
        const qboAmount = row.openingQbo?.[b] ?? 0n;
        const difference = sourceAmount - qboAmount;
        if (difference === 0n) continue;
        if (abs(difference) <= toleranceMinor) {
          tolerated += difference;
          continue;
        }
        discrepancies.push({
          kind: 'balance_mismatch',
          customerId: row.customerId,
          qboCustomerId: row.qboCustomerId,
          sourceAmount: money(sourceAmount),
          qboAmount: money(qboAmount),
          difference: money(difference),
          bucket: definitions[b].id,
          suggestedAction: OPENING_BALANCE_ACTION,
          note: `opening balance (documents dated before the in-sync point ${inSyncPoint}) differs in ${definitions[b].label}`,
        });
      }
    }
  }

  const kindOrder = new Map(
    DISCREPANCY_KINDS.map((kind, index) => [kind, index]),
  );
  const customerOrder = (d: Discrepancy): string =>
    d.customerId !== undefined
      ? `0${d.customerId}`
      : `1${d.qboCustomerId ?? ''}`;
  discrepancies.sort(
    (a, b) =>
      (kindOrder.get(a.kind) ?? 0) - (kindOrder.get(b.kind) ?? 0) ||
      compareText(customerOrder(a), customerOrder(b)) ||
      compareText(a.txnKind ?? '', b.txnKind ?? '') ||
      compareText(a.sourceId ?? '', b.sourceId ?? '') ||
      compareText(a.qboId ?? '', b.qboId ?? '') ||
      compareText(a.bucket ?? '', b.bucket ?? ''),
  );
  const discrepancyCounts: Partial<Record<DiscrepancyKind, number>> = {};
  for (const d of discrepancies)
    discrepancyCounts[d.kind] = (discrepancyCounts[d.kind] ?? 0) + 1;

  const ids = definitions.map((d) => d.id);
  const toMap = (totals: bigint[]) =>
    new Map(ids.map((id, b) => [id, money(totals[b])]));
  const buckets = compareBuckets(
    ids,
    toMap(sourceTotals),
    toMap(qboTotals),
    currency,
  );
  const totals: TieOutTotals = {
    source: money(sourceSum),
    qbo: money(qboSum),
    difference: money(sourceSum - qboSum),
  };
  const tieOut = checkTieOut(buckets, currency, totals);

  const customers = rows.map((row): CustomerComparison => {
    let source = 0n;
    let qboTotal = 0n;
    let differs = false;
    const comparisons = ids.map((bucket, b) => {
      source += row.source[b];
      qboTotal += row.qbo[b];
      if (row.source[b] !== row.qbo[b]) differs = true;
      return {
        bucket,
        source: money(row.source[b]),
        qbo: money(row.qbo[b]),
        difference: money(row.source[b] - row.qbo[b]),
      };
    });
    return {
      customerId: row.customerId,
      qboCustomerId: row.qboCustomerId,
      buckets: comparisons,
      totals: {
        source: money(source),
        qbo: money(qboTotal),
        difference: money(source - qboTotal),
      },
      differs,
    };
  });

  const violations = [
    ...(tieOut.ok ? [] : tieOut.violations),
    ...conservationViolations(
      rows,
      sourceTotals,
      qboTotals,
      ids,
      discrepancies,
      tolerated,
      sourceSum - qboSum,
      money,
    ),
  ];
  return {
    asOf,
    basis,
    schedule,
    bucketDefinitions: definitions,
    currency,
    tolerance,
    inSyncPoint,
    buckets,
    totals,
    customers,
    discrepancies,
    discrepancyCounts,
    toleratedDifference: money(tolerated),
    opening: { source: money(openingSource), qbo: money(openingQbo) },
    matching: {
      sourceItems: source.length,
      qboItems: qbo.length,
      pairsByPass: matching.pairsByPass,
      brokenLinks: matching.brokenLinks,
      unmatchedSource,
      unmatchedQbo,
      openingSource: openingSourceCount,
      openingQbo: openingQboCount,
    },
    tieOut,
    violations,
    status: discrepancies.length === 0 ? 'in_sync' : 'out_of_sync',
  };
}

/** The run's second proof: flagged + tolerated differences and the customers add up to the same totals. */
function conservationViolations(
  rows: readonly CustomerRow[],
  sourceTotals: readonly bigint[],
  qboTotals: readonly bigint[],
  ids: readonly string[],
  discrepancies: readonly Discrepancy[],
  tolerated: bigint,
  totalDifference: bigint,
  money: (units: bigint) => Money,
): TieOutViolation[] {
  const violations: TieOutViolation[] = [];
  const expectEqual = (
    total: string,
    expected: bigint,
    actual: bigint,
  ): void => {
    if (expected === actual) return;
    violations.push({
      total,
      expected: money(expected),
      actual: money(actual),
      message: `${total} is ${money(actual).toString()}, should be ${money(expected).toString()} (off by ${money(actual - expected).toString()})`,
    });
  };
  let flagged = 0n;
  for (const d of discrepancies) flagged += d.difference.toMinorUnits();
  expectEqual(
    'Σ discrepancies + tolerated',
    totalDifference,
    flagged + tolerated,
  );
  ids.forEach((id, b) => {
    let source = 0n;
    let qbo = 0n;
    for (const row of rows) {
      source += row.source[b];
      qbo += row.qbo[b];
    }
    expectEqual(`Σ customers bucket ${id} source`, sourceTotals[b], source);
    expectEqual(`Σ customers bucket ${id} qbo`, qboTotals[b], qbo);
  });
  return violations;
}

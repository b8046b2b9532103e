import { DomainError } from '../errors';
import { Money } from '../money/money';
import { toEpochDay } from './calendar-day';

/** What an item's age counts from: days past its due date (default), or days since it was issued. */
export type AgingBasis = 'due_date' | 'issue_date';

/**
 * The bucket layout, as QuickBooks' `aging_period` and `num_periods`: after Current come `periodCount`
 * periods of `periodDays` days, the last one open-ended. Default 30 × 4: Current, 1–30, 31–60, 61–90, 91+.
 */
export interface AgingSchedule {
  periodDays: number;
  periodCount: number;
}

export const DEFAULT_AGING_SCHEDULE: AgingSchedule = {
  periodDays: 30,
  periodCount: 4,
};

export interface AgingBucket {
  /** `current`, `1-30`, …, `91+`: stable ids used on the wire and in reports. */
  id: string;
  /** QuickBooks' column heading: `Current`, `1 - 30`, …, `91 and over`. */
  label: string;
  /** Smallest age in days in this bucket; null for Current, which takes every age ≤ 0 (not yet due). */
  fromDays: number | null;
  /** Largest age in days in this bucket; null for the open-ended last bucket. */
  toDays: number | null;
}

/** An open item to age: its open amount and its dates (`YYYY-MM-DD`). */
export interface AgingItem {
  amount: Money;
  issueDate: string;
  dueDate: string;
}

export interface AgedBucket<T> extends AgingBucket {
  total: Money;
  items: T[];
}

export interface AgingReport<T> {
  asOf: string;
  basis: AgingBasis;
  schedule: AgingSchedule;
  /** In schedule order; every item is in exactly one of them. */
  buckets: AgedBucket<T>[];
  /** Σ bucket totals = Σ item amounts. */
  total: Money;
}

/**
 * The buckets of a schedule, in order.
 * @throws DomainError INVALID_AGING_SCHEDULE (period length 1–3650 days and count 1–120, whole numbers)
 */
export function agingBuckets(
  schedule: Partial<AgingSchedule> = {},
): AgingBucket[] {
  const { periodDays, periodCount } = validSchedule(schedule);
  const buckets: AgingBucket[] = [
    { id: 'current', label: 'Current', fromDays: null, toDays: 0 },
  ];
  for (let period = 1; period <= periodCount; period++) {
    const fromDays = (period - 1) * periodDays + 1;
    buckets.push(
      period < periodCount
        ? {
            id: `${fromDays}-${period * periodDays}`,
            label: `${fromDays} - ${period * periodDays}`,
            fromDays,
            toDays: period * periodDays,
          }
        : {
            id: `${fromDays}+`,
            label: `${fromDays} and over`,
            fromDays,
            toDays: null,
          },
    );
  }
  return buckets;
}

function validSchedule(schedule: Partial<AgingSchedule>): AgingSchedule {
  const resolved = { ...DEFAULT_AGING_SCHEDULE, ...schedule };
  const { periodDays, periodCount } = resolved;
  if (!Number.isInteger(periodDays) || periodDays < 1 || periodDays > 3650) {
    throw new DomainError(
      'INVALID_AGING_SCHEDULE',
      `periodDays must be a whole number of days 1–3650, got ${periodDays}`,
    );
  }
  if (!Number.isInteger(periodCount) || periodCount < 1 || periodCount > 120) {
    throw new DomainError(
      'INVALID_AGING_SCHEDULE',
      `periodCount must be a whole number 1–120, got ${periodCount}`,
    );
  }
  return resolved;
}

/**
 * Age in days of an item as of `asOf`: days past due (`due_date`) or days since issue (`issue_date`).
 * Zero or negative means not yet due (or issued on or after `asOf`).
 * @throws DomainError INVALID_DATE
 */
export function ageInDays(
  item: Pick<AgingItem, 'issueDate' | 'dueDate'>,
  asOf: string,
  basis: AgingBasis = 'due_date',
): number {
  return (
    toEpochDay(asOf) -
    toEpochDay(basis === 'due_date' ? item.dueDate : item.issueDate)
  );
}

/** Index into `agingBuckets(schedule)` of the bucket for an age in days; O(1). */
export function bucketIndexForAge(
  days: number,
  schedule: AgingSchedule = DEFAULT_AGING_SCHEDULE,
): number {
  return days <= 0
    ? 0
    : Math.min(Math.ceil(days / schedule.periodDays), schedule.periodCount);
}

/**
 * Ages open items as of a date into buckets. Every item lands in exactly one bucket (ages ≤ 0 in Current,
 * ages past the last bound in the open-ended bucket), so Σ bucket totals = Σ amounts. Items issued after
 * `asOf` are not open as of `asOf`; leaving them out is the caller's decision, here they age as Current.
 * @throws DomainError INVALID_DATE, INVALID_AGING_SCHEDULE, UNKNOWN_CURRENCY; CurrencyMismatch (an item not in `currency`)
 */
export function ageOpenItems<T extends AgingItem>(
  items: Iterable<T>,
  options: {
    asOf: string;
    currency: string;
    basis?: AgingBasis;
    schedule?: Partial<AgingSchedule>;
  },
): AgingReport<T> {
  const basis = options.basis ?? 'due_date';
  const schedule = validSchedule(options.schedule ?? {});
  const asOfDay = toEpochDay(options.asOf);
  const buckets: AgedBucket<T>[] = agingBuckets(schedule).map((bucket) => ({
    ...bucket,
    total: Money.zero(options.currency),
    items: [],
  }));
  for (const item of items) {
    const days =
      asOfDay -
      toEpochDay(basis === 'due_date' ? item.dueDate : item.issueDate);
    const bucket = buckets[bucketIndexForAge(days, schedule)];
    bucket.total = bucket.total.plus(item.amount);
    bucket.items.push(item);
  }
  return {
    asOf: options.asOf,
    basis,
    schedule,
    buckets,
    total: Money.sum(
      buckets.map((bucket) => bucket.total),
      options.currency,
    ),
  };
}

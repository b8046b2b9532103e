export { DomainError, CurrencyMismatch } from './errors';
export type { DomainErrorCode } from './errors';

export { Money } from './money/money';
export { CurrencyMinorUnits, isCurrencyCode } from './money/currency';
export type { CurrencyCode } from './money/currency';
export { allocate, allocateEvenly } from './money/allocate';
export type { AllocationWeight } from './money/allocate';

export {
  toEpochDay,
  fromEpochDay,
  daysBetween,
  addDays,
} from './aging/calendar-day';
export {
  ageOpenItems,
  agingBuckets,
  ageInDays,
  bucketIndexForAge,
  DEFAULT_AGING_SCHEDULE,
} from './aging/aging';
export type {
  AgingBasis,
  AgingSchedule,
  AgingBucket,
  AgingItem,
  AgedBucket,
  AgingReport,
} from './aging/aging';

export {
  sumMoney,
  compareBuckets,
  checkTieOut,
} from './reconciliation/tie-out';
export type {
  BucketComparison,
  TieOutTotals,
  TieOutViolation,
  TieOutResult,
} from './reconciliation/tie-out';

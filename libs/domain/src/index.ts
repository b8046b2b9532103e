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

export {
  parseMinorUnits,
  formatMinorUnits,
  minorDigitsOf,
} from './reconciliation/minor-units';
export { TXN_KINDS, qboKey } from './reconciliation/ledger-item';
export type {
  TxnKind,
  LedgerItem,
  SourceItem,
  QboItem,
  LinkedSourceInfo,
} from './reconciliation/ledger-item';
export { matchItems, MATCH_PASSES } from './reconciliation/match';
export type { MatchPass, MatchOptions, Matching } from './reconciliation/match';
export {
  DISCREPANCY_KINDS,
  SUGGESTED_ACTIONS,
  OPENING_BALANCE_ACTION,
} from './reconciliation/discrepancy';
export type {
  Discrepancy,
  DiscrepancyKind,
} from './reconciliation/discrepancy';
export { reconcile } from './reconciliation/reconcile';
export type {
  ReconcileInput,
  ReconcileOptions,
  Reconciliation,
  CustomerComparison,
  MatchingSummary,
} from './reconciliation/reconcile';

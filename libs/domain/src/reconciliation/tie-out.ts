import { Money } from '../money/money';

/** One aging bucket of a comparison; `difference` is always `source − qbo`. */
export interface BucketComparison {
  bucket: string;
  source: Money;
  qbo: Money;
  difference: Money;
}

export interface TieOutTotals {
  source: Money;
  qbo: Money;
  difference: Money;
}

/** One total that does not tie: what it should be and what it is. */
export interface TieOutViolation {
  /** `bucket 1-30 difference`, `Σ difference`, `totals.source`, … */
  total: string;
  expected: Money;
  actual: Money;
  message: string;
}

export type TieOutResult =
  | { ok: true; totals: TieOutTotals }
  | { ok: false; totals: TieOutTotals; violations: TieOutViolation[] };

/**
 * Σ amounts; `currency` names the total of an empty list.
 * @throws CurrencyMismatch, DomainError UNKNOWN_CURRENCY
 */
export const sumMoney = (amounts: Iterable<Money>, currency: string): Money =>
  Money.sum(amounts, currency);

/**
 * Per-bucket comparison of two sides, `difference = source − qbo`. Buckets come in `order`; a bucket one side
 * lacks counts as zero there; buckets outside `order` follow it in order of first appearance, so no amount
 * is ever dropped from the comparison.
 * @throws CurrencyMismatch, DomainError UNKNOWN_CURRENCY
 */
export function compareBuckets(
  order: readonly string[],
  source: ReadonlyMap<string, Money>,
  qbo: ReadonlyMap<string, Money>,
  currency: string,
): BucketComparison[] {
  const zero = Money.zero(currency);
  const buckets = [...new Set([...order, ...source.keys(), ...qbo.keys()])];
  return buckets.map((bucket) => {
    const sourceAmount = source.get(bucket) ?? zero;
    const qboAmount = qbo.get(bucket) ?? zero;
    return {
      bucket,
      source: sourceAmount,
      qbo: qboAmount,
      difference: sourceAmount.minus(qboAmount),
    };
  });
}

/**
 * Checks that a comparison ties out to the minor unit: each bucket's difference is its source − qbo, and
 * Σ source − Σ qbo = Σ differences; when `declared` totals are given, each must equal its column's sum.
 * Returns the violations instead of throwing, so a report can show what does not add up.
 * @throws CurrencyMismatch (amounts of more than one currency), DomainError UNKNOWN_CURRENCY
 */
export function checkTieOut(
  buckets: readonly BucketComparison[],
  currency: string,
  declared?: TieOutTotals,
): TieOutResult {
  const violations: TieOutViolation[] = [];
  const expectEqual = (total: string, expected: Money, actual: Money): void => {
    if (expected.compare(actual) !== 0) {
      violations.push({
        total,
        expected,
        actual,
        message: `${total} is ${actual.toString()}, should be ${expected.toString()} (off by ${actual.minus(expected).toString()})`,
      });
    }
  };
  for (const row of buckets)
    expectEqual(
      `bucket ${row.bucket} difference`,
      row.source.minus(row.qbo),
      row.difference,
    );
  const totals: TieOutTotals = {
    source: sumMoney(
      buckets.map((row) => row.source),
      currency,
    ),
    qbo: sumMoney(
      buckets.map((row) => row.qbo),
      currency,
    ),
    difference: sumMoney(
      buckets.map((row) => row.difference),
      currency,
    ),
  };
  expectEqual(
    'Σ difference',
    totals.source.minus(totals.qbo),
    totals.difference,
  );
  if (declared) {
    expectEqual('totals.source', totals.source, declared.source);
    expectEqual('totals.qbo', totals.qbo, declared.qbo);
    expectEqual('totals.difference', totals.difference, declared.difference);
  }
  return violations.length === 0
    ? { ok: true, totals }
    : { ok: false, totals, violations };
}

import { CurrencyMismatch, DomainError } from '../errors';
import { Money } from './money';

/** A share weight: a non-negative decimal string (`"2"`, `"0.375"`), a non-negative bigint, or a Money amount. */
export type AllocationWeight = string | bigint | Money;

const WEIGHT = /^\d+(\.\d+)?$/;

/** Weights as bigints on one common scale, so shares are exact integer ratios. */
function scaledWeights(
  total: Money,
  weights: readonly AllocationWeight[],
): bigint[] {
  const parsed = weights.map(
    (weight, index): { units: bigint; scale: number } => {
      if (typeof weight === 'bigint') {
        if (weight < 0n)
          throw new DomainError(
            'INVALID_ALLOCATION',
            `weight ${index} is negative`,
          );
        return { units: weight, scale: 0 };
      }
      if (weight instanceof Money) {
        if (weight.currency !== total.currency)
          throw new CurrencyMismatch(
            total.currency,
            weight.currency,
            'allocate by',
          );
        if (weight.isNegative())
          throw new DomainError(
            'INVALID_ALLOCATION',
            `weight ${index} is negative`,
          );
        return { units: weight.toMinorUnits(), scale: weight.minorDigits };
      }
      if (!WEIGHT.test(weight))
        throw new DomainError(
          'INVALID_ALLOCATION',
          `weight ${index} (${JSON.stringify(weight)}) is not a non-negative decimal`,
        );
      const dot = weight.indexOf('.');
      return dot === -1
        ? { units: BigInt(weight), scale: 0 }
        : {
            units: BigInt(weight.slice(0, dot) + weight.slice(dot + 1)),
            scale: weight.length - dot - 1,
          };
    },
  );
  const scale = Math.max(0, ...parsed.map((weight) => weight.scale));
  return parsed.map(
    (weight) => weight.units * 10n ** BigInt(scale - weight.scale),
  );
}

/**
 * Splits `total` into parts proportional to `weights`, in whole minor units, losing nothing:
 * Σ parts = total, and every part is within one minor unit of its exact share (|part − total·w/Σw| < 1 unit).
 *
 * Largest remainder: each part gets the floor of its exact share; the units left over go, one each, to the
 * parts with the largest remainders; equal remainders go to the earlier part, so the split is deterministic.
 * A negative total is split as its magnitude, then negated, so −x splits as the mirror image of x.
 * A zero total with all-zero weights splits into zeros.
 * @throws DomainError INVALID_ALLOCATION (no weights, a negative weight, all weights zero for a non-zero total),
 *   CurrencyMismatch (a Money weight in another currency)
 */
export function allocate(
  total: Money,
  weights: readonly AllocationWeight[],
): Money[] {
  if (weights.length === 0)
    throw new DomainError(
      'INVALID_ALLOCATION',
      'cannot allocate into zero parts',
    );
  const scaled = scaledWeights(total, weights);
  const weightSum = scaled.reduce((sum, weight) => sum + weight, 0n);
  const totalUnits = total.toMinorUnits();
  if (weightSum === 0n) {
    if (totalUnits !== 0n)
      throw new DomainError(
        'INVALID_ALLOCATION',
        'cannot allocate a non-zero total by weights that are all zero',
      );
    return scaled.map(() => Money.zero(total.currency));
  }
  const magnitude = totalUnits < 0n ? -totalUnits : totalUnits;
  const parts = scaled.map((weight) => (magnitude * weight) / weightSum);
  const remainders = scaled.map((weight) => (magnitude * weight) % weightSum);
  let leftover = magnitude - parts.reduce((sum, part) => sum + part, 0n);
  const order = remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((a, b) =>
      a.remainder === b.remainder
        ? a.index - b.index
        : a.remainder > b.remainder
          ? -1
          : 1,
    );
  for (const { index } of order) {
    if (leftover === 0n) break;
    parts[index] += 1n;
    leftover -= 1n;
  }
  return parts.map((part) =>
    Money.fromMinorUnits(totalUnits < 0n ? -part : part, total.currency),
  );
}

/**
 * Splits `total` into `count` parts that differ by at most one minor unit, the larger ones first.
 * @throws DomainError INVALID_ALLOCATION (count not a positive integer)
 */
export function allocateEvenly(total: Money, count: number): Money[] {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new DomainError(
      'INVALID_ALLOCATION',
      `cannot allocate into ${count} parts`,
    );
  return allocate(
    total,
    Array.from({ length: count }, () => 1n),
  );
}

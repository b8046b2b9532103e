import { Decimal } from 'decimal.js';

/**
 * The sandbox's own Decimal: never mutate the global decimal.js config, which other code in the
 * process may share. 40 significant digits is far beyond any QuickBooks amount (BigDecimal, 2 dp),
 * so intermediate products and sums are exact; rounding is only ever explicit (`toCents`).
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = Decimal;

export const ZERO: Decimal = new Dec(0);

/** Parses decimal text ("12.50", "-3", "1e2") exactly; returns undefined for anything else. */
export function parseDecimal(text: string): Decimal | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return undefined;
  return new Dec(trimmed);
}

export function isDecimal(value: unknown): value is Decimal {
  return Decimal.isDecimal(value);
}

/** QuickBooks keeps money in cents; amounts with more places are rounded half-up. */
export function toCents(value: Decimal): Decimal {
  return new Dec(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total: Decimal = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** JSON number text for an amount: plain notation, never exponent, never "-0". */
export function numberText(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}

/** Report cell text: always two places ("37.50"), never "-0.00". */
export function reportMoney(value: Decimal): string {
  return value.isZero() ? '0.00' : value.toFixed(2);
}

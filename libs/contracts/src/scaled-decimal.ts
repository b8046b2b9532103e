/**
 * Exact decimal arithmetic on scaled bigints, for the contract's own arithmetic checks (lines add up, totals tie).
 *
 * The contracts lib may depend on zod only, so it cannot use decimal.js, and a JS number would make
 * `0.1 + 0.2 !== 0.3` reject good invoices. A value is `units / 10^scale`; every operation here is exact,
 * except `roundHalfUp`, which rounds on purpose. Inputs must already match `DecimalPattern`.
 */
export interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

const POW10: bigint[] = [];
const pow10 = (n: number): bigint => (POW10[n] ??= 10n ** BigInt(n));

/** Exact value of a decimal string; `scale` is its number of fraction digits. */
export function parseScaled(value: string): Scaled {
  const negative = value.startsWith('-');
  const body = negative ? value.slice(1) : value;
  const dot = body.indexOf('.');
  const whole = dot === -1 ? body : body.slice(0, dot);
  const fraction = dot === -1 ? '' : body.slice(dot + 1);
  const magnitude = BigInt(whole + fraction);
  return { units: negative ? -magnitude : magnitude, scale: fraction.length };
}

/** `value` expressed in units of 10^-scale; exact, so `scale` must be ≥ value.scale. */
export function unitsAt(value: Scaled, scale: number): bigint {
  if (scale < value.scale)
    throw new RangeError(
      `cannot rescale ${value.scale} fraction digits down to ${scale} exactly`,
    );
  return value.units * pow10(scale - value.scale);
}

export function multiplyScaled(a: Scaled, b: Scaled): Scaled {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/**
 * `value` rounded to `scale` fraction digits, half-up in the commercial sense: a tie rounds away from zero
 * (-2.345 → -2.35), as Java's `RoundingMode.HALF_UP` on the BigDecimal amounts QuickBooks computes with.
 */
export function roundHalfUp(value: Scaled, scale: number): bigint {
  if (scale >= value.scale) return unitsAt(value, scale);
  const divisor = pow10(value.scale - scale);
  const magnitude = value.units < 0n ? -value.units : value.units;
  const quotient = magnitude / divisor;
  const rounded =
    (magnitude % divisor) * 2n >= divisor ? quotient + 1n : quotient;
  return value.units < 0n ? -rounded : rounded;
}

/** Decimal string of `units / 10^scale`, with exactly `scale` fraction digits (and no "-0"). */
export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units)
    .toString()
    .padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

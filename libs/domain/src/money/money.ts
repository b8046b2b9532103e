import Decimal from 'decimal.js';
import { CurrencyMismatch, DomainError } from '../errors';
import {
  type CurrencyCode,
  CurrencyMinorUnits,
  isCurrencyCode,
} from './currency';

/**
 * The domain's Decimal: its own clone, so no other code's `Decimal.set` can change our arithmetic.
 * Precision 34 (IEEE decimal128). Its half-even rounding never applies to money: amounts are bounded by
 * `MAX_ABS_AMOUNT`, so `plus`/`minus` always fit in 34 digits and are exact.
 */
const D = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_EVEN });

/**
 * The one rounding rule for money: to the currency's minor unit, half-up, ties away from zero (2.345 → 2.35,
 * −2.345 → −2.35). QuickBooks computes amounts with Java BigDecimal `HALF_UP`; rounding half-even here would
 * disagree with it by one minor unit on every tie (0.125 → 0.12 instead of 0.13) and surface as false
 * discrepancies. Only `times` and `Money.rounded` round; everything else is exact or throws.
 */
const MINOR_UNIT_ROUNDING = Decimal.ROUND_HALF_UP;

/**
 * |amount| must stay below 10^28: with at most 4 fraction digits an amount then has ≤ 32 significant digits,
 * and a sum or difference of two such amounts ≤ 33, inside the precision of 34. Beyond it, arithmetic throws
 * `AMOUNT_OUT_OF_RANGE` instead of rounding silently.
 */
const MAX_ABS_AMOUNT = new D('1e28');

const WIRE_DECIMAL = /^-?\d+(\.\d+)?$/;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function currencyOf(code: string): CurrencyCode {
  if (!isCurrencyCode(code))
    throw new DomainError(
      'UNKNOWN_CURRENCY',
      `"${code}" is not an ISO 4217 currency with a minor unit`,
    );
  return code;
}

/** An amount of one currency, always a whole number of its minor units (cents, fils, yen). */
export class Money {
  private constructor(
    readonly amount: Decimal,
    readonly currency: CurrencyCode,
  ) {}

  /**
   * From a wire decimal string (`"1250.00"`, `"-3.5"`, `"980"`).
   * @throws DomainError UNKNOWN_CURRENCY, INVALID_AMOUNT (not a decimal string, or finer than the minor unit),
   *   AMOUNT_OUT_OF_RANGE
   */
  static parse(text: string, currency: string): Money {
    if (typeof text !== 'string' || !WIRE_DECIMAL.test(text)) {
      throw new DomainError(
        'INVALID_AMOUNT',
        `${JSON.stringify(text)} is not a decimal string`,
      );
    }
    return Money.of(new D(text), currency);
  }

  /**
   * From a Decimal that is already a whole number of minor units.
   * @throws DomainError UNKNOWN_CURRENCY, INVALID_AMOUNT, AMOUNT_OUT_OF_RANGE
   */
  static of(amount: Decimal, currency: string): Money {
    const code = currencyOf(currency);
    const value = new D(amount);
    if (!value.isFinite())
      throw new DomainError(
        'INVALID_AMOUNT',
        `${value.toString()} is not a finite amount`,
      );
    if (value.decimalPlaces() > CurrencyMinorUnits[code]) {
      throw new DomainError(
        'INVALID_AMOUNT',
        `${value.toFixed()} has more fraction digits than ${code} allows (${CurrencyMinorUnits[code]})`,
      );
    }
    return Money.checked(value, code);
  }

  /**
   * Rounds any decimal to the currency's minor unit with the money rounding rule (half-up).
   * @throws DomainError UNKNOWN_CURRENCY, INVALID_AMOUNT, AMOUNT_OUT_OF_RANGE
   */
  static rounded(amount: Decimal | string, currency: string): Money {
    const code = currencyOf(currency);
    return Money.checked(
      decimalOf(amount).toDecimalPlaces(
        CurrencyMinorUnits[code],
        MINOR_UNIT_ROUNDING,
      ),
      code,
    );
  }

  /**
   * `quantity × rate` as an amount: the exact product, rounded once, half-up, to the minor unit. This is how
   * an invoice line's amount follows from its quantity and unit price (QuickBooks 6070 otherwise). Computed on
   * bigints, so no intermediate precision limit can round twice.
   * @throws DomainError UNKNOWN_CURRENCY, INVALID_AMOUNT (not a finite decimal), AMOUNT_OUT_OF_RANGE
   */
  static product(
    quantity: Decimal | string,
    rate: Decimal | string,
    currency: string,
  ): Money {
    const code = currencyOf(currency);
    const [q, r] = [quantity, rate].map((value) => scaledOf(decimalOf(value)));
    const scale = q.scale + r.scale;
    const digits = CurrencyMinorUnits[code];
    const exact = q.units * r.units;
    const units =
      scale >= digits
        ? divideHalfUp(exact, pow10(scale - digits))
        : exact * pow10(digits - scale);
    return Money.fromMinorUnits(units, code);
  }

  /** @throws DomainError UNKNOWN_CURRENCY */
  static zero(currency: string): Money {
    return new Money(new D(0), currencyOf(currency));
  }

  /** @throws DomainError UNKNOWN_CURRENCY, AMOUNT_OUT_OF_RANGE */
  static fromMinorUnits(units: bigint, currency: string): Money {
    const code = currencyOf(currency);
    return Money.checked(
      new D(formatUnits(units, CurrencyMinorUnits[code])),
      code,
    );
  }

  /**
   * Σ amounts; `currency` names the result when the list is empty.
   * @throws CurrencyMismatch, DomainError UNKNOWN_CURRENCY, AMOUNT_OUT_OF_RANGE
   */
  static sum(amounts: Iterable<Money>, currency: string): Money {
    let total = Money.zero(currency);
    for (const amount of amounts) total = total.plus(amount);
    return total;
  }

  private static checked(value: Decimal, currency: CurrencyCode): Money {
    if (value.abs().greaterThanOrEqualTo(MAX_ABS_AMOUNT)) {
      throw new DomainError(
        'AMOUNT_OUT_OF_RANGE',
        `${value.toFixed()} ${currency} is beyond ±10^28`,
      );
    }
    return new Money(value.isZero() ? new D(0) : value, currency);
  }

  get minorDigits(): number {
    return CurrencyMinorUnits[this.currency];
  }

  /** @throws CurrencyMismatch, DomainError AMOUNT_OUT_OF_RANGE */
  plus(other: Money): Money {
    this.assertSameCurrency(other, 'add');
    return Money.checked(this.amount.plus(other.amount), this.currency);
  }

  /** @throws CurrencyMismatch, DomainError AMOUNT_OUT_OF_RANGE */
  minus(other: Money): Money {
    this.assertSameCurrency(other, 'subtract');
    return Money.checked(this.amount.minus(other.amount), this.currency);
  }

  negate(): Money {
    return Money.checked(this.amount.negated(), this.currency);
  }

  abs(): Money {
    return this.isNegative() ? this.negate() : this;
  }

  /**
   * This amount × `factor` (a quantity, a rate), rounded half-up to the minor unit.
   * @throws DomainError INVALID_AMOUNT (factor not a finite decimal), AMOUNT_OUT_OF_RANGE
   */
  times(factor: Decimal | string): Money {
    return Money.product(this.amount, factor, this.currency);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }

  isPositive(): boolean {
    return this.amount.isPositive() && !this.amount.isZero();
  }

  /** -1, 0 or 1. @throws CurrencyMismatch */
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other, 'compare');
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  /** Same currency and amount; never throws. */
  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.equals(other.amount);
  }

  /** The amount in minor units (cents for USD, yen for JPY, fils for KWD). */
  toMinorUnits(): bigint {
    const { units, scale } = scaledOf(this.amount);
    return units * pow10(this.minorDigits - scale);
  }

  /** The wire form: a decimal string with exactly the currency's minor digits (`"1250.00"`, `"980"`). */
  toString(): string {
    return this.amount.toFixed(this.minorDigits);
  }

  toJSON(): string {
    return this.toString();
  }

  private assertSameCurrency(other: Money, operation: string): void {
    if (other.currency !== this.currency)
      throw new CurrencyMismatch(this.currency, other.currency, operation);
  }
}

/** A finite Decimal from a Decimal or a wire decimal string. @throws DomainError INVALID_AMOUNT */
function decimalOf(value: Decimal | string): Decimal {
  if (typeof value === 'string' && !WIRE_DECIMAL.test(value)) {
    throw new DomainError(
      'INVALID_AMOUNT',
      `${JSON.stringify(value)} is not a decimal string`,
    );
  }
  const decimal = new D(value);
  if (!decimal.isFinite())
    throw new DomainError(
      'INVALID_AMOUNT',
      `${decimal.toString()} is not finite`,
    );
  return decimal;
}

/** `value` as `units / 10^scale`, exactly (toFixed() without arguments never rounds). */
function scaledOf(value: Decimal): { units: bigint; scale: number } {
  const text = value.toFixed();
  const dot = text.indexOf('.');
  return dot === -1
    ? { units: BigInt(text), scale: 0 }
    : {
        units: BigInt(text.slice(0, dot) + text.slice(dot + 1)),
        scale: text.length - dot - 1,
      };
}

/** Decimal string of `units / 10^scale`. */
function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units)
    .toString()
    .padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** numerator / denominator (> 0), rounded half-up: ties away from zero. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const rounded =
    (magnitude % denominator) * 2n >= denominator ? quotient + 1n : quotient;
  return numerator < 0n ? -rounded : rounded;
}

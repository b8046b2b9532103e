import { z } from 'zod';
import { type CurrencyCode, minorUnitsOf } from './currency';

/** The one wire shape of a decimal on every Arbiter topic: an optional minus, digits, optional fraction. */
export const DecimalPattern = /^-?\d+(\.\d+)?$/;

/**
 * Money fits PostgreSQL `numeric(19,4)` (persistence's `decimal.type.ts`): at most 15 integer digits. Checking
 * it here turns an overflow into a dead letter with a reason instead of a failed insert that blocks a partition.
 */
export const MONEY_MAX_INTEGER_DIGITS = 15;

/**
 * Quantities and unit prices are rates, not amounts: QuickBooks keeps `Qty` and `UnitPrice` finer than the
 * currency (usage billing at 0.0045 USD a unit), so they may carry up to 6 fraction digits whatever the currency.
 * Only amounts (line amounts, discounts, totals, payments, applications) obey the currency's minor unit.
 */
export const RATE_MAX_FRACTION_DIGITS = 6;

/** Longest accepted decimal string; bounds the BigInt work an oversized message can cause. */
const MAX_DECIMAL_LENGTH = 40;

export const fractionDigitsOf = (value: string): number => {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
};

export const integerDigitsOf = (value: string): number => {
  const dot = value.indexOf('.');
  return (dot === -1 ? value.length : dot) - (value.startsWith('-') ? 1 : 0);
};

const decimalString = (what: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${what} is required`
          : typeof issue.input === 'number'
            ? `${what} must be a JSON string such as "1250.00", not a JSON number (numbers lose precision)`
            : `${what} must be a decimal string such as "1250.00"`,
    })
    .max(MAX_DECIMAL_LENGTH, {
      error: `${what} must be at most ${MAX_DECIMAL_LENGTH} characters`,
      abort: true,
    })
    .regex(DecimalPattern, {
      error: `${what} must match ${DecimalPattern.source}, e.g. "1250.00", "-3.5" or "980"`,
      abort: true,
    });

/** Any decimal string. */
export const DecimalString = decimalString('value');

/**
 * An amount of money. The currency's own limit on fraction digits is checked by the document that carries the
 * currency (see `moneyDigitsProblem`), because a field alone does not know its currency.
 */
export const MoneyString = decimalString('money').refine(
  (value) => integerDigitsOf(value) <= MONEY_MAX_INTEGER_DIGITS,
  {
    error: `money must have at most ${MONEY_MAX_INTEGER_DIGITS} integer digits`,
  },
);

/** A quantity or unit price (see `RATE_MAX_FRACTION_DIGITS`). */
export const RateString = decimalString('rate')
  .refine((value) => integerDigitsOf(value) <= MONEY_MAX_INTEGER_DIGITS, {
    error: `rate must have at most ${MONEY_MAX_INTEGER_DIGITS} integer digits`,
  })
  .refine((value) => fractionDigitsOf(value) <= RATE_MAX_FRACTION_DIGITS, {
    error: `rate must have at most ${RATE_MAX_FRACTION_DIGITS} fraction digits`,
  });

/** Why `value` is not a valid amount in `currency`, or undefined when it is. */
export function moneyDigitsProblem(
  value: string,
  currency: CurrencyCode,
): string | undefined {
  const allowed = minorUnitsOf(currency);
  return fractionDigitsOf(value) > allowed
    ? `${value} has ${fractionDigitsOf(value)} fraction digits; ${currency} allows at most ${allowed}`
    : undefined;
}

export const isNegativeDecimal = (value: string): boolean =>
  value.startsWith('-') && /[1-9]/.test(value);
export const isZeroDecimal = (value: string): boolean => !/[1-9]/.test(value);

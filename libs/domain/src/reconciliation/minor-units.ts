import { DomainError } from '../errors';
import { CurrencyMinorUnits, isCurrencyCode } from '../money/currency';

const AMOUNT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD).
 * @throws DomainError UNKNOWN_CURRENCY
 */
export function minorDigitsOf(currency: string): number {
  if (!isCurrencyCode(currency))
    throw new DomainError(
      'UNKNOWN_CURRENCY',
      `"${currency}" is not an ISO 4217 currency with a minor unit`,
    );
  return CurrencyMinorUnits[currency];
}

/**
 * A decimal string as a whole number of the currency's minor units (`"1250.50"` USD → 125050n), exactly.
 * Trailing zeros past the minor unit are accepted (PostgreSQL `numeric(19,4)` prints `"1250.5000"`); a
 * non-zero digit there is refused, never rounded. This is the reconciliation's hot path: a million amounts
 * parse in well under a second, where `Money.parse` (a Decimal per amount) takes seconds.
 * @throws DomainError INVALID_AMOUNT (not a decimal string, or finer than the minor unit), UNKNOWN_CURRENCY
 */
export function parseMinorUnits(text: string, currency: string): bigint {
  const digits = minorDigitsOf(currency);
  const match = typeof text === 'string' ? AMOUNT.exec(text) : null;
  if (!match)
    throw new DomainError(
      'INVALID_AMOUNT',
      `${JSON.stringify(text)} is not a decimal string`,
    );
  const fraction = match[3] ?? '';
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) {
    throw new DomainError(
      'INVALID_AMOUNT',
      `${text} has more fraction digits than ${currency} allows (${digits})`,
    );
  }
  const units = BigInt(
    match[2] + fraction.slice(0, digits).padEnd(digits, '0'),
  );
  return match[1] === '-' ? -units : units;
}

/** `units` minor units as a wire decimal string with exactly the currency's digits (125050n USD → `"1250.50"`). */
export function formatMinorUnits(units: bigint, currency: string): string {
  const digits = minorDigitsOf(currency);
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const body =
    digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${body}` : body;
}

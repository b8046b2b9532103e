import Decimal from 'decimal.js';

/**
 * A decimal number written as text, exactly as QuickBooks sent it or as we will send it
 * (`"12345678901234.56"`, `"-3.5"`, `"0"`). Money and quantities are never a JS `number` in this lib.
 */
export type QboDecimal = string;

/** Plain decimal text: optional minus, digits, optional fraction. No exponent, no `+`, no spaces. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export const isDecimalText = (value: unknown): value is QboDecimal => typeof value === 'string' && DECIMAL_TEXT.test(value);

/**
 * Keys whose JSON numbers stay JS numbers on the way in: counts, positions and day counts, never money.
 * Every other JSON number becomes its source text, so a money field we did not anticipate is still exact.
 */
const INTEGER_KEYS: ReadonlySet<string> = new Set([
  'startPosition',
  'maxResults',
  'totalCount',
  'LineNum',
  'DueDays',
  'DiscountDays',
  'DayOfMonthDue',
  'DueNextMonthDays',
  'DiscountDayOfMonth',
  'Level',
]);

/**
 * Keys whose values we send as JSON numbers. Our types hold them as decimal strings; on the way out the
 * string's text becomes the number's text byte for byte (`JSON.rawJSON`), so nothing is rounded.
 */
export const DECIMAL_KEYS: ReadonlySet<string> = new Set([
  'Amount',
  'TotalAmt',
  'Balance',
  'BalanceWithJobs',
  'UnitPrice',
  'Qty',
  'QtyOnHand',
  'PurchaseCost',
  'DiscountPercent',
  'DiscountAmt',
  'TotalTax',
  'TaxPercent',
  'NetAmountTaxable',
  'TaxInclusiveAmt',
  'UnappliedAmt',
  'Deposit',
  'HomeBalance',
  'HomeTotalAmt',
  'ExchangeRate',
  'RemainingCredit',
  'CurrentBalance',
  'CurrentBalanceWithSubAccounts',
  'OpeningBalance',
]);

// Node 24 passes `context.source` (the literal's text) to revivers for primitives; TypeScript's lib
// does not describe that third parameter or JSON.rawJSON yet, so we type them here.
type ReviverWithSource = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;
type JsonWithSource = {
  parse(text: string, reviver: ReviverWithSource): unknown;
  rawJSON(text: string): unknown;
};
const JSON_WITH_SOURCE = JSON as unknown as JsonWithSource;

/** Turns any JSON number text (including `1e2`) into plain decimal text without going through a double. */
const toPlainDecimalText = (source: string): QboDecimal =>
  DECIMAL_TEXT.test(source) ? source : new Decimal(source).toFixed();

/**
 * Parses a QuickBooks JSON body keeping every number's exact text: numbers become decimal strings,
 * except the integer keys above (counts and positions), which stay numbers when they are safe integers.
 * @throws SyntaxError when the text is not JSON.
 */
export function parseQboJson(text: string): unknown {
  return JSON_WITH_SOURCE.parse(text, function reviver(key, value, context) {
    if (typeof value !== 'number') return value;
    const source = context?.source;
    if (source === undefined) {
      // Only reachable on a runtime without source text access; refuse rather than silently round money.
      throw new Error('JSON.parse source text access is required (Node 22+)');
    }
    if (INTEGER_KEYS.has(key) && Number.isSafeInteger(value)) return value;
    return toPlainDecimalText(source);
  });
}

/**
 * Serialises a request body for QuickBooks. Values under {@link DECIMAL_KEYS} must be decimal strings
 * and are written as JSON numbers with exactly that text.
 * @throws TypeError when a decimal key holds a JS number or a string that is not plain decimal text.
 */
export function stringifyQboJson(value: unknown): string {
  return JSON.stringify(value, function replacer(key, v: unknown) {
    if (!DECIMAL_KEYS.has(key) || v === undefined || v === null) return v;
    if (typeof v === 'number') {
      throw new TypeError(`"${key}" must be a decimal string, not a JS number (got ${v})`);
    }
    if (!isDecimalText(v)) {
      throw new TypeError(`"${key}" must be plain decimal text like "12.50" (got ${JSON.stringify(v)})`);
    }
    return JSON_WITH_SOURCE.rawJSON(v);
  });
}

import { z } from 'zod';
import type { ReportIssue } from './contract-error';
import { type CurrencyCode, minorUnitsOf } from './currency';
import { EntityId } from './identifiers';
import {
  MoneyString,
  RateString,
  isNegativeDecimal,
  moneyDigitsProblem,
} from './decimal-string';
import {
  formatUnits,
  multiplyScaled,
  parseScaled,
  roundHalfUp,
  unitsAt,
} from './scaled-decimal';

/** A line of an invoice or credit memo. Strict: see the note in `invoice-upserted.v1.ts`. */
export const DocumentLineV1 = z.strictObject({
  id: EntityId,
  itemId: EntityId,
  description: z.string().max(4000).optional(),
  quantity: RateString,
  unitPrice: RateString,
  discountAmount: MoneyString.optional(),
  amount: MoneyString,
});
export type DocumentLineV1 = z.infer<typeof DocumentLineV1>;

/**
 * Checks every line of a document and returns Σ amount in minor units of `currency`, or undefined when a line
 * is wrong (then the total cannot be judged and is not reported twice).
 *
 * Rule: `amount = round(quantity × unitPrice) − discountAmount`, where round is half-up (ties away from zero) to
 * the currency's minor unit. The product of two rates may carry up to 12 fraction digits; QuickBooks answers
 * 6070 "Amount is not equal to Qty * UnitPrice" unless the line amount is that product at the currency's
 * precision, and it rounds half-up. So `"3" × "0.125"` USD must be sent as `"0.38"`; `"0.37"` is a bad message.
 */
export function checkLines(
  lines: readonly DocumentLineV1[],
  currency: CurrencyCode,
  report: ReportIssue,
  path = 'lines',
): bigint | undefined {
  const scale = minorUnitsOf(currency);
  let sum = 0n;
  let valid = true;
  const seenIds = new Set<string>();
  lines.forEach((line, index) => {
    if (seenIds.has(line.id)) {
      report(
        [path, index, 'id'],
        `line id "${line.id}" appears more than once`,
      );
    }
    seenIds.add(line.id);
    let lineValid = true;
    for (const field of ['amount', 'discountAmount'] as const) {
      const value = line[field];
      const problem =
        value === undefined ? undefined : moneyDigitsProblem(value, currency);
      if (problem) {
        report([path, index, field], problem);
        lineValid = false;
      }
    }
    if (
      line.discountAmount !== undefined &&
      isNegativeDecimal(line.discountAmount)
    ) {
      report(
        [path, index, 'discountAmount'],
        'discountAmount must not be negative',
      );
      valid = false;
    }
    if (!lineValid) {
      valid = false;
      return;
    }
    const gross = roundHalfUp(
      multiplyScaled(parseScaled(line.quantity), parseScaled(line.unitPrice)),
      scale,
    );
    const discount =
      line.discountAmount === undefined
        ? 0n
        : unitsAt(parseScaled(line.discountAmount), scale);
    const expected = gross - discount;
    const actual = unitsAt(parseScaled(line.amount), scale);
    if (expected !== actual) {
      report(
        [path, index, 'amount'],
        `amount must be quantity × unitPrice − discountAmount = ${line.quantity} × ${line.unitPrice}` +
          ` − ${line.discountAmount ?? '0'} = ${formatUnits(expected, scale)} (product rounded half-up to ${scale} digits),` +
          ` got ${line.amount}`,
      );
      valid = false;
    }
    sum += actual;
  });
  return valid ? sum : undefined;
}

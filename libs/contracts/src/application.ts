import { z } from 'zod';
import type { ReportIssue } from './contract-error';
import { type CurrencyCode, minorUnitsOf } from './currency';
import { EntityId } from './identifiers';
import {
  MoneyString,
  isNegativeDecimal,
  isZeroDecimal,
  moneyDigitsProblem,
} from './decimal-string';
import { formatUnits, parseScaled, unitsAt } from './scaled-decimal';

/** The part of a payment or credit memo applied to one invoice. */
export const ApplicationV1 = z.strictObject({
  invoiceId: EntityId,
  amount: MoneyString,
});
export type ApplicationV1 = z.infer<typeof ApplicationV1>;

/**
 * Checks applications against the document they come from: each amount > 0 in the currency's precision,
 * each invoice at most once, and Σ amount ≤ `available` (the rest is unapplied credit).
 */
export function checkApplications(
  applications: readonly ApplicationV1[],
  available: { value: string; path: string },
  currency: CurrencyCode,
  report: ReportIssue,
  path = 'applications',
): void {
  const scale = minorUnitsOf(currency);
  const seen = new Set<string>();
  let sum = 0n;
  let valid = true;
  applications.forEach((application, index) => {
    if (seen.has(application.invoiceId)) {
      report(
        [path, index, 'invoiceId'],
        `invoice "${application.invoiceId}" is applied more than once`,
      );
    }
    seen.add(application.invoiceId);
    const problem = moneyDigitsProblem(application.amount, currency);
    if (problem) {
      report([path, index, 'amount'], problem);
      valid = false;
      return;
    }
    if (
      isNegativeDecimal(application.amount) ||
      isZeroDecimal(application.amount)
    ) {
      report(
        [path, index, 'amount'],
        `application amount must be greater than 0, got ${application.amount}`,
      );
      valid = false;
    }
    sum += unitsAt(parseScaled(application.amount), scale);
  });
  if (!valid || moneyDigitsProblem(available.value, currency)) return;
  const limit = unitsAt(parseScaled(available.value), scale);
  if (sum > limit) {
    report(
      [path],
      `Σ ${path}[].amount = ${formatUnits(sum, scale)} exceeds ${available.path} ${available.value}`,
    );
  }
}

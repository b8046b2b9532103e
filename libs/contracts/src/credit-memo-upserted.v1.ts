import { z } from 'zod';
import { ApplicationV1, checkApplications } from './application';
import { IsoDate } from './calendar-date';
import { reporterFor } from './contract-error';
import { minorUnitsOf } from './currency';
import {
  MoneyString,
  isNegativeDecimal,
  moneyDigitsProblem,
} from './decimal-string';
import { DocumentLineV1, checkLines } from './document-line';
import { Currency, EntityId } from './identifiers';
import { inboundEvent } from './inbound-envelope';
import { formatUnits, parseScaled, unitsAt } from './scaled-decimal';

/**
 * A credit memo. Its lines have the invoice line's shape and rule; `total = Σ lines[].amount` (a credit memo has
 * no document-level discount), total ≥ 0, and Σ applications ≤ total. `data` is strict: see `invoice-upserted.v1.ts`.
 */
export const CreditMemoUpsertedDataV1 = z
  .strictObject({
    id: EntityId,
    number: z.string().trim().min(1).max(64),
    customerId: EntityId,
    issueDate: IsoDate,
    currency: Currency,
    lines: z
      .array(DocumentLineV1)
      .min(1, { error: 'a credit memo needs at least one line' }),
    total: MoneyString,
    memo: z.string().max(4000).optional(),
    applications: z.array(ApplicationV1).optional(),
  })
  .superRefine((memo, ctx) => {
    const report = reporterFor(ctx);
    const scale = minorUnitsOf(memo.currency);
    const linesSum = checkLines(memo.lines, memo.currency, report);
    const totalProblem = moneyDigitsProblem(memo.total, memo.currency);
    if (totalProblem) report(['total'], totalProblem);
    if (isNegativeDecimal(memo.total)) {
      report(['total'], 'a credit memo total must not be negative');
      return;
    }
    if (
      !totalProblem &&
      linesSum !== undefined &&
      unitsAt(parseScaled(memo.total), scale) !== linesSum
    ) {
      report(
        ['total'],
        `total must be Σ lines[].amount = ${formatUnits(linesSum, scale)}, got ${memo.total}`,
      );
    }
    checkApplications(
      memo.applications ?? [],
      { value: memo.total, path: 'total' },
      memo.currency,
      report,
    );
  });
export type CreditMemoUpsertedDataV1 = z.infer<typeof CreditMemoUpsertedDataV1>;

export const CreditMemoUpsertedV1 = inboundEvent(
  'credit-memo.upserted',
  CreditMemoUpsertedDataV1,
);
export type CreditMemoUpsertedV1 = z.infer<typeof CreditMemoUpsertedV1>;

import { z } from 'zod';
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

export const InvoiceStatuses = [
  'draft',
  'approved',
  'in_revision',
  'cancelled',
] as const;
export type InvoiceStatus = (typeof InvoiceStatuses)[number];

/** Lines printed together under one heading on a combined invoice. */
export const ChargeSetV1 = z.strictObject({
  name: z.string().trim().min(1).max(200),
  lineIds: z.array(EntityId).min(1),
});

/**
 * `data` objects are strict (an unknown key is a bad message) on every inbound event. A misspelt optional field
 * (`discount_total`, `dueDay`) would otherwise be dropped in silence and the invoice would reach QuickBooks
 * with a different meaning; rejecting it puts the typo in the dead-letter topic where the producer sees it.
 * It is safe because the schemas are versioned by topic: a producer that needs a new field gets a `.v2`.
 */
export const InvoiceUpsertedDataV1 = z
  .strictObject({
    id: EntityId,
    /** Printed document number (QuickBooks `DocNumber`). */
    number: z.string().trim().min(1).max(64),
    customerId: EntityId,
    issueDate: IsoDate,
    dueDate: IsoDate,
    currency: Currency,
    status: z.enum(InvoiceStatuses, {
      error: `status must be one of ${InvoiceStatuses.join(', ')}`,
    }),
    lines: z
      .array(DocumentLineV1)
      .min(1, { error: 'an invoice needs at least one line' }),
    /** Discount on the whole invoice, after the lines' own discounts; ≥ 0. */
    discountTotal: MoneyString.optional(),
    total: MoneyString,
    memo: z.string().max(4000).optional(),
    chargeSets: z.array(ChargeSetV1).optional(),
  })
  .superRefine((invoice, ctx) => {
    const report = reporterFor(ctx);
    const scale = minorUnitsOf(invoice.currency);
    const linesSum = checkLines(invoice.lines, invoice.currency, report);
    let totalsCheckable = true;
    for (const field of ['discountTotal', 'total'] as const) {
      const value = invoice[field];
      const problem =
        value === undefined
          ? undefined
          : moneyDigitsProblem(value, invoice.currency);
      if (problem) {
        report([field], problem);
        totalsCheckable = false;
      }
    }
    if (
      invoice.discountTotal !== undefined &&
      isNegativeDecimal(invoice.discountTotal)
    ) {
      report(['discountTotal'], 'discountTotal must not be negative');
    }
    if (totalsCheckable && linesSum !== undefined) {
      const discount =
        invoice.discountTotal === undefined
          ? 0n
          : unitsAt(parseScaled(invoice.discountTotal), scale);
      const expected = linesSum - discount;
      if (unitsAt(parseScaled(invoice.total), scale) !== expected) {
        report(
          ['total'],
          `total must be Σ lines[].amount − discountTotal = ${formatUnits(linesSum, scale)} − ${invoice.discountTotal ?? '0'}` +
            ` = ${formatUnits(expected, scale)}, got ${invoice.total}`,
        );
      }
    }
    const lineIds = new Set(invoice.lines.map((line) => line.id));
    const inSet = new Map<string, string>();
    invoice.chargeSets?.forEach((set, setIndex) =>
      set.lineIds.forEach((lineId, index) => {
        if (!lineIds.has(lineId)) {
          report(
            ['chargeSets', setIndex, 'lineIds', index],
            `line "${lineId}" is not a line of this invoice`,
          );
        } else if (inSet.has(lineId)) {
          report(
            ['chargeSets', setIndex, 'lineIds', index],
            `line "${lineId}" is already in charge set "${inSet.get(lineId)}"`,
          );
        } else {
          inSet.set(lineId, set.name);
        }
      }),
    );
  });
export type InvoiceUpsertedDataV1 = z.infer<typeof InvoiceUpsertedDataV1>;

export const InvoiceUpsertedV1 = inboundEvent(
  'invoice.upserted',
  InvoiceUpsertedDataV1,
);
export type InvoiceUpsertedV1 = z.infer<typeof InvoiceUpsertedV1>;

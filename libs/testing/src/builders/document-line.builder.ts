import type { DocumentLineV1 } from '@arbiter/contracts';
import { Money } from '@arbiter/domain';

export type DocumentLineOverrides = Partial<DocumentLineV1>;

/**
 * A line whose amount follows the contract's rule, `round_half_up(quantity × unitPrice) − discountAmount`,
 * unless `amount` is overridden (to build a bad message on purpose).
 */
export function buildDocumentLine(
  overrides: DocumentLineOverrides = {},
  currency = 'USD',
  index = 0,
): DocumentLineV1 {
  const quantity = overrides.quantity ?? '1';
  const unitPrice = overrides.unitPrice ?? '100.00';
  const discount =
    overrides.discountAmount === undefined
      ? Money.zero(currency)
      : Money.parse(overrides.discountAmount, currency);
  return {
    id: `line-${index + 1}`,
    itemId: 'item-1',
    ...overrides,
    quantity,
    unitPrice,
    amount:
      overrides.amount ??
      Money.product(quantity, unitPrice, currency).minus(discount).toString(),
  };
}

/** Σ line amounts − `discount`, as the contract computes a document total. */
export function documentTotal(
  lines: readonly DocumentLineV1[],
  currency: string,
  discount?: string,
): string {
  const linesSum = Money.sum(
    lines.map((line) => Money.parse(line.amount, currency)),
    currency,
  );
  return (
    discount === undefined
      ? linesSum
      : linesSum.minus(Money.parse(discount, currency))
  ).toString();
}

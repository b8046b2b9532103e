import { Money } from '@arbiter/domain';
import type { SalesLine } from '@arbiter/qbo-client';

export interface SourceLine {
  id: string;
  itemId: string;
  description?: string;
  quantity: string;
  unitPrice: string;
  discountAmount?: string;
  amount: string;
}

export interface ChargeSet {
  name: string;
  lineIds: string[];
}

/** `{chargeSet}`, `{description}`, `{item}` are replaced; the default reads "Set name — line description". */
export const DEFAULT_DESCRIPTION_TEMPLATE = '{chargeSet} — {description}';

/** The marker we write in PrivateNote: how an uncertain create is found again, and how people see the origin. */
export const arbiterMarker = (tenantId: string, entityType: string, sourceId: string) => `arbiter:${tenantId}:${entityType}:${sourceId}`;

/**
 * Source lines → QuickBooks sales lines, tying out to the cent: each item line carries its gross amount
 * (quantity × unit price, which QuickBooks checks), and all discounts (per line and on the whole document)
 * become one discount line, so QuickBooks' total = Σ gross − discounts = Σ line amounts − discountTotal = the
 * platform's total. Charge sets are rendered into the line descriptions through the template.
 */
export function toQboLines(args: {
  lines: readonly SourceLine[];
  currency: string;
  itemRefs: ReadonlyMap<string, string>;
  discountTotal?: string;
  chargeSets?: readonly ChargeSet[];
  descriptionTemplate?: string;
  itemNames?: ReadonlyMap<string, string>;
}): { lines: SalesLine[]; total: Money; discount: Money } {
  const { currency } = args;
  const setOf = new Map<string, string>();
  for (const set of args.chargeSets ?? []) for (const id of set.lineIds) setOf.set(id, set.name);
  const template = args.descriptionTemplate ?? DEFAULT_DESCRIPTION_TEMPLATE;
  let discount = Money.parse(args.discountTotal ?? '0', currency);
  let gross = Money.zero(currency);
  const lines: SalesLine[] = args.lines.map((line) => {
    const lineDiscount = Money.parse(line.discountAmount ?? '0', currency);
    const lineGross = Money.parse(line.amount, currency).plus(lineDiscount);
    discount = discount.plus(lineDiscount);
    gross = gross.plus(lineGross);
    const itemRef = args.itemRefs.get(line.itemId);
    if (!itemRef) throw new Error(`no QuickBooks item for ${line.itemId}`);
    const chargeSet = setOf.get(line.id);
    const base = line.description ?? args.itemNames?.get(line.itemId) ?? '';
    const description = chargeSet
      ? template.replaceAll('{chargeSet}', chargeSet).replaceAll('{description}', base).replaceAll('{item}', args.itemNames?.get(line.itemId) ?? '')
      : base;
    const withDiscountNote = lineDiscount.isZero() ? description : `${description} (discount ${lineDiscount.toString()})`.trim();
    return {
      DetailType: 'SalesItemLineDetail',
      Amount: lineGross.toString(),
      ...(withDiscountNote ? { Description: withDiscountNote.slice(0, 4000) } : {}),
      SalesItemLineDetail: { ItemRef: { value: itemRef }, Qty: line.quantity, UnitPrice: line.unitPrice },
    };
  });
  if (!discount.isZero()) {
    lines.push({ DetailType: 'DiscountLineDetail', Amount: discount.toString(), DiscountLineDetail: { PercentBased: false } });
  }
  return { lines, total: gross.minus(discount), discount };
}

import { Decimal } from 'decimal.js';
import { Company } from '../company-store';
import { JsonObject, JsonValue, isJsonObject } from '../json/exact-json';
import { Dec, ZERO, toCents } from '../money';
import { Faults } from '../qbo-fault';
import { WriteContext, namedRef, resolveNameRef } from './entity-kind';
import { readBoolean, readDate, readDecimal, readObject, readRef, readString } from './fields';

/** Line model shared by Invoice and CreditMemo (reference §2.1, §2.5). Amounts are in cents. */
export interface SalesLines {
  lines: JsonObject[];
  /** Σ SalesItemLine amounts. */
  subtotal: Decimal;
  /** Σ DiscountLine amounts (positive; subtracted from the total). */
  discount: Decimal;
}

/** A taxable invoice may carry at most 750 lines (reference §2.1); applied to every sales form here. */
const MAX_LINES = 750;

/**
 * Validates and normalises the `Line` array. Lines keep their `Id` when it names an existing
 * line (update); others get fresh Ids. The server-computed SubTotalLine is appended last.
 * @throws QboFault 2020 (missing Amount/ItemRef/DetailType), 2500/610 (item), 6070 (Qty×UnitPrice),
 *   6090 (discount without amount), 2170 (unknown DetailType)
 */
export function normaliseSalesLines(ctx: WriteContext, raw: JsonValue[] | undefined, existing: JsonValue[] | undefined): SalesLines {
  if (!raw || raw.length === 0) throw Faults.requiredParam('Line');
  const input = raw.filter((l) => !(isJsonObject(l) && l['DetailType'] === 'SubTotalLineDetail'));
  if (input.length > MAX_LINES) throw Faults.business(`A transaction can have at most ${MAX_LINES} lines.`, 'Line');

  const existingIds = new Set<string>();
  let nextId = 1;
  for (const line of existing ?? []) {
    if (isJsonObject(line) && typeof line['Id'] === 'string') {
      existingIds.add(line['Id']);
      nextId = Math.max(nextId, Number(line['Id']) + 1 || nextId);
    }
  }
  const used = new Set<string>();
  const assignId = (requested: string | undefined): string => {
    if (requested && existingIds.has(requested) && !used.has(requested)) {
      used.add(requested);
      return requested;
    }
    while (existingIds.has(String(nextId)) || used.has(String(nextId))) nextId += 1;
    const id = String(nextId++);
    used.add(id);
    return id;
  };

  const lines: JsonObject[] = [];
  let subtotal = ZERO;
  const discounts: { line: JsonObject; percent?: Decimal }[] = [];
  let lineNum = 0;

  for (const value of input) {
    if (!isJsonObject(value)) throw Faults.invalidProperty('Line items must be objects', 'Line');
    const detailType = readString(value, 'DetailType');
    if (!detailType) throw Faults.requiredParam('Line.DetailType');
    const requestedId = readString(value, 'Id');
    const description = readString(value, 'Description');

    if (detailType === 'SalesItemLineDetail') {
      const detail = readObject(value, 'SalesItemLineDetail') ?? {};
      const itemId = readRef(detail, 'ItemRef');
      if (!itemId) throw Faults.requiredParam('Line.SalesItemLineDetail.ItemRef');
      const item = resolveNameRef(ctx, 'Item', itemId, 'Line.SalesItemLineDetail.ItemRef');
      if (readString(item.data, 'Type') === 'Category') {
        throw Faults.business('A category cannot be used on a transaction line.', 'ItemRef');
      }
      const amountIn = readDecimal(value, 'Amount', 'Line.Amount');
      if (amountIn === undefined) throw Faults.requiredParam('Line.Amount');
      const amount = toCents(amountIn);
      const qty = readDecimal(detail, 'Qty', 'Line.SalesItemLineDetail.Qty');
      const unitPrice = readDecimal(detail, 'UnitPrice', 'Line.SalesItemLineDetail.UnitPrice');
      if (qty !== undefined && unitPrice !== undefined && !toCents(qty.times(unitPrice)).eq(amount)) {
        throw Faults.amountCalculation(amountIn.toFixed());
      }
      readDate(detail, 'ServiceDate');
      const outDetail: JsonObject = { ...detail, ItemRef: { value: itemId } };
      if (qty !== undefined) outDetail['Qty'] = qty;
      if (unitPrice !== undefined) outDetail['UnitPrice'] = unitPrice;
      outDetail['TaxCodeRef'] = detail['TaxCodeRef'] ?? { value: 'NON' };
      lineNum += 1;
      const line: JsonObject = { Id: assignId(requestedId), LineNum: new Dec(lineNum) };
      if (description !== undefined) line['Description'] = description;
      line['Amount'] = amount;
      line['DetailType'] = detailType;
      line['SalesItemLineDetail'] = outDetail;
      lines.push(line);
      subtotal = subtotal.plus(amount);
    } else if (detailType === 'DiscountLineDetail') {
      const detail = readObject(value, 'DiscountLineDetail') ?? {};
      const percentBased = readBoolean(detail, 'PercentBased') ?? false;
      const percent = readDecimal(detail, 'DiscountPercent');
      const amountIn = readDecimal(value, 'Amount', 'Line.Amount');
      if (!(percentBased && percent !== undefined) && amountIn === undefined) throw Faults.discountLineIncomplete();
      const accountId = readRef(detail, 'DiscountAccountRef');
      if (accountId) resolveNameRef(ctx, 'Account', accountId, 'DiscountAccountRef');
      lineNum += 1;
      const line: JsonObject = { Id: assignId(requestedId), LineNum: new Dec(lineNum) };
      if (description !== undefined) line['Description'] = description;
      line['Amount'] = amountIn === undefined ? ZERO : toCents(amountIn);
      line['DetailType'] = detailType;
      line['DiscountLineDetail'] = { ...detail, PercentBased: percentBased, ...(percent !== undefined ? { DiscountPercent: percent } : {}) };
      lines.push(line);
      discounts.push({ line, percent: percentBased ? percent : undefined });
    } else if (detailType === 'DescriptionOnly') {
      lineNum += 1;
      const line: JsonObject = { Id: assignId(requestedId), LineNum: new Dec(lineNum) };
      if (description !== undefined) line['Description'] = description;
      line['DetailType'] = detailType;
      line['DescriptionLineDetail'] = readObject(value, 'DescriptionLineDetail') ?? {};
      lines.push(line);
    } else if (detailType === 'GroupLineDetail') {
      throw Faults.business('GroupLineDetail (bundles) is not supported by this QuickBooks sandbox.', 'Line.DetailType');
    } else {
      throw Faults.invalidEnumeration('Line.DetailType', detailType);
    }
  }

  let discount = ZERO;
  for (const d of discounts) {
    // A percentage discount is taken off the subtotal of the sales lines, rounded to cents.
    if (d.percent !== undefined) d.line['Amount'] = toCents(subtotal.times(d.percent).dividedBy(100));
    discount = discount.plus(d.line['Amount'] as Decimal);
  }
  if (!lines.some((l) => l['DetailType'] === 'SalesItemLineDetail')) throw Faults.requiredParam('Line.SalesItemLineDetail');
  lines.push({ Amount: subtotal, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  return { lines, subtotal, discount };
}

/** Lines of a voided transaction: every amount and quantity zeroed (reference §3.4). */
export function zeroedLines(lines: JsonValue[] | undefined): JsonObject[] {
  return (lines ?? []).filter(isJsonObject).map((line) => {
    const copy: JsonObject = { ...line };
    if ('Amount' in copy) copy['Amount'] = ZERO;
    const detail = copy['SalesItemLineDetail'];
    if (isJsonObject(detail)) {
      const d: JsonObject = { ...detail };
      if ('Qty' in d) d['Qty'] = ZERO;
      copy['SalesItemLineDetail'] = d;
    }
    return copy;
  });
}

/** Lines with item and account names filled in. */
export function renderSalesLines(company: Company, lines: JsonValue | undefined): JsonValue | undefined {
  if (!Array.isArray(lines)) return lines;
  return lines.map((line) => {
    if (!isJsonObject(line)) return line;
    const copy: JsonObject = { ...line };
    const sales = copy['SalesItemLineDetail'];
    if (isJsonObject(sales)) copy['SalesItemLineDetail'] = { ...sales, ItemRef: namedRef(company, sales['ItemRef'], 'Item') as JsonObject };
    const disc = copy['DiscountLineDetail'];
    if (isJsonObject(disc) && disc['DiscountAccountRef']) {
      copy['DiscountLineDetail'] = { ...disc, DiscountAccountRef: namedRef(company, disc['DiscountAccountRef'], 'Account') as JsonObject };
    }
    return copy;
  });
}

export const SALES_FORM_WRITABLE = [
  'Line', 'CustomerRef', 'DocNumber', 'TxnDate', 'PrivateNote', 'CustomerMemo', 'BillEmail', 'BillEmailCc',
  'BillEmailBcc', 'EmailStatus', 'PrintStatus', 'TxnTaxDetail', 'ApplyTaxAfterDiscount', 'CustomField',
  'CurrencyRef', 'ExchangeRate', 'ClassRef', 'DepartmentRef', 'ProjectRef', 'BillAddr', 'ShipAddr', 'ShipFromAddr',
  'SalesTermRef', 'TxnSource', 'GlobalTaxCalculation', 'TransactionLocationType', 'FreeFormAddress',
  'TaxExemptionRef', 'RecurDataRef', 'SalesRepRef', 'PONumber', 'FOB', 'ShipMethodRef', 'ShipDate', 'TrackingNum',
  'DepositToAccountRef', 'PaymentMethodRef', 'PaymentRefNum', 'TxnStatus',
] as const;

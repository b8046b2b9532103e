import { Decimal } from 'decimal.js';
import { EntityRecord } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Dec, ZERO } from '../money';
import { Faults } from '../qbo-fault';
import { addDays, dateInMonth, daysBetween } from '../time/company-time';
import { EntityKind, WriteContext } from './entity-kind';
import { checkLength, readBoolean, readDecimal, readString } from './fields';

function wholeNumber(candidate: JsonObject, field: string, min: number, max: number): Decimal | undefined {
  const v = readDecimal(candidate, field);
  if (v === undefined) return undefined;
  if (!v.isInteger() || v.lt(min) || v.gt(max)) {
    throw Faults.invalidProperty(`${field} must be a whole number from ${min} to ${max}`, field);
  }
  return v;
}

export const TermKind: EntityKind = {
  name: 'Term',
  creatable: true,
  deletable: false,
  voidable: false,
  writable: new Set([
    'Name', 'Active', 'Type', 'DueDays', 'DiscountPercent', 'DiscountDays', 'DayOfMonthDue', 'DueNextMonthDays',
    'DiscountDayOfMonth',
  ]),
  readOnly: new Set([]),

  prepare(ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
    const data: JsonObject = { ...candidate };
    const name = readString(candidate, 'Name')?.trim();
    if (!name) throw Faults.requiredParam('Name');
    checkLength(name, 'Name', 31);
    data['Name'] = name;
    const holder = ctx.company.idForName('Term', name);
    if (holder !== undefined && holder !== existing?.id) throw Faults.duplicateName('term');
    const type = readString(candidate, 'Type') ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'DATE_DRIVEN') throw Faults.invalidEnumeration('Type', type);
    data['Type'] = type;
    if (type === 'STANDARD') {
      data['DueDays'] = wholeNumber(candidate, 'DueDays', 0, 999) ?? ZERO;
      data['DiscountDays'] = wholeNumber(candidate, 'DiscountDays', 0, 999) ?? ZERO;
    } else {
      const dayOfMonth = wholeNumber(candidate, 'DayOfMonthDue', 1, 31);
      if (!dayOfMonth) throw Faults.requiredParam('DayOfMonthDue');
      data['DayOfMonthDue'] = dayOfMonth;
      data['DueNextMonthDays'] = wholeNumber(candidate, 'DueNextMonthDays', 0, 31) ?? ZERO;
    }
    data['DiscountPercent'] = readDecimal(candidate, 'DiscountPercent') ?? ZERO;
    data['Active'] = readBoolean(candidate, 'Active') ?? true;
    return data;
  },

  render(_company, record: EntityRecord): JsonObject {
    return { ...record.data };
  },
};

/**
 * The due date a term gives a transaction dated `txnDate`. STANDARD: txnDate + DueDays.
 * DATE_DRIVEN: the DayOfMonthDue of this month, or of next month when the transaction falls within
 * DueNextMonthDays of that day (or after it).
 */
export function dueDateFor(term: JsonObject, txnDate: string): string {
  if (readString(term, 'Type') === 'DATE_DRIVEN') {
    const day = (readDecimal(term, 'DayOfMonthDue') ?? new Dec(1)).toNumber();
    const window = (readDecimal(term, 'DueNextMonthDays') ?? ZERO).toNumber();
    const [y, m] = txnDate.split('-').map(Number);
    const thisMonth = dateInMonth(y, m, day);
    if (daysBetween(txnDate, thisMonth) > window) return thisMonth;
    return m === 12 ? dateInMonth(y + 1, 1, day) : dateInMonth(y, m + 1, day);
  }
  return addDays(txnDate, (readDecimal(term, 'DueDays') ?? ZERO).toNumber());
}

import { Company, EntityRecord } from '../company-store';
import { JsonObject, isJsonObject } from '../json/exact-json';
import { Faults } from '../qbo-fault';
import { EntityKind, WriteContext } from './entity-kind';
import { readBoolean, readDate, readObject, readRef, readString } from './fields';

const PREFERENCE_GROUPS = [
  'AccountingInfoPrefs', 'ProductAndServicesPrefs', 'SalesFormsPrefs', 'VendorAndPurchasesPrefs', 'TimeTrackingPrefs',
  'TaxPrefs', 'CurrencyPrefs', 'ReportPrefs', 'EmailMessagesPrefs', 'OtherPrefs',
] as const;

/**
 * Preferences: read, and updated group by group (only the keys sent change). The book close date
 * is set in the QuickBooks UI with a password, not through the API, so it is read-only here and
 * changed through the control surface.
 */
export const PreferencesKind: EntityKind = {
  name: 'Preferences',
  creatable: false,
  deletable: false,
  voidable: false,
  writable: new Set(PREFERENCE_GROUPS),
  readOnly: new Set([]),

  prepare(_ctx: WriteContext, candidate: JsonObject, existing: EntityRecord | undefined): JsonObject {
    const data: JsonObject = { ...(existing?.data ?? {}) };
    for (const group of PREFERENCE_GROUPS) {
      const incoming = readObject(candidate, group);
      if (!incoming) continue;
      const current = isJsonObject(data[group]) ? (data[group] as JsonObject) : {};
      const merged: JsonObject = { ...current, ...incoming };
      if (group === 'AccountingInfoPrefs') {
        if (current['BookCloseDate'] === undefined) delete merged['BookCloseDate'];
        else merged['BookCloseDate'] = current['BookCloseDate'];
      }
      if (group === 'SalesFormsPrefs') readBoolean(merged, 'CustomTxnNumbers', 'SalesFormsPrefs.CustomTxnNumbers');
      data[group] = merged;
    }
    return data;
  },

  render(_company: Company, record: EntityRecord): JsonObject {
    return { ...record.data };
  },
};

function prefs(company: Company): JsonObject {
  return company.get('Preferences', '1')?.data ?? {};
}

function group(company: Company, name: string): JsonObject {
  const g = prefs(company)[name];
  return isJsonObject(g) ? g : {};
}

/** `AccountingInfoPrefs.BookCloseDate`, present only while the books are closed. */
export function bookCloseDate(company: Company): string | undefined {
  return readDate(group(company, 'AccountingInfoPrefs'), 'BookCloseDate');
}

/** Writes dated on or before the close date are refused with 6210. @throws QboFault 6210 */
export function assertPeriodOpen(ctx: WriteContext, ...txnDates: (string | undefined)[]): void {
  if (ctx.actor !== 'api') return;
  const close = bookCloseDate(ctx.company);
  if (!close) return;
  for (const d of txnDates) if (d !== undefined && d <= close) throw Faults.periodClosed();
}

/** With custom transaction numbers on, document numbers are the client's and must be unique (6140). */
export function customTxnNumbers(company: Company): boolean {
  return readBoolean(group(company, 'SalesFormsPrefs'), 'CustomTxnNumbers') ?? true;
}

export function defaultTermId(company: Company): string | undefined {
  return readRef(group(company, 'SalesFormsPrefs'), 'DefaultTerms');
}

/** ReportPrefs.CalcAgingReportFromTxnDate: age from the transaction date instead of the due date. */
export function agingFromTxnDate(company: Company): boolean {
  return readBoolean(group(company, 'ReportPrefs'), 'CalcAgingReportFromTxnDate') ?? false;
}

export function homeCurrency(company: Company): string {
  const currency = group(company, 'CurrencyPrefs')['HomeCurrency'];
  return (isJsonObject(currency) ? readString(currency, 'value') : undefined) ?? 'USD';
}

/** Sets or clears the book close date (control surface; a user does this in the QuickBooks UI). */
export function setBookCloseDate(company: Company, date: string | null): void {
  const record = company.get('Preferences', '1');
  if (!record) return;
  const accounting: JsonObject = { ...group(company, 'AccountingInfoPrefs') };
  if (date === null) delete accounting['BookCloseDate'];
  else accounting['BookCloseDate'] = date;
  company.replace(record, { ...record.data, AccountingInfoPrefs: accounting }, company.now());
  company.recordChange(record, 'Update', company.now());
}

import { Decimal } from 'decimal.js';
import { JsonObject, JsonValue, isJsonObject } from '../json/exact-json';
import { Dec, numberText, parseDecimal } from '../money';
import { Faults } from '../qbo-fault';
import { isIsoDate } from '../time/company-time';

/**
 * Typed reads of request and stored JSON. QuickBooks (Jackson underneath) coerces numbers sent as
 * strings and strings sent as numbers, so these do too; anything else is a 2010 fault naming the
 * element.
 */

export function readString(o: JsonObject, key: string, element = key): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Decimal.isDecimal(v)) return numberText(v);
  if (typeof v === 'boolean') return String(v);
  throw Faults.invalidProperty(`${element} expects a string`, element);
}

export function readDecimal(o: JsonObject, key: string, element = key): Decimal | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (Decimal.isDecimal(v)) return new Dec(v);
  if (typeof v === 'string') {
    const d = parseDecimal(v);
    if (d) return d;
  }
  throw Faults.invalidProperty(`${element} expects a number, got ${typeof v === 'string' ? `"${v}"` : typeof v}`, element);
}

export function readBoolean(o: JsonObject, key: string, element = key): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw Faults.invalidProperty(`${element} expects true or false`, element);
}

export function readObject(o: JsonObject, key: string, element = key): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (isJsonObject(v)) return v;
  throw Faults.invalidProperty(`${element} expects an object`, element);
}

export function readArray(o: JsonObject, key: string, element = key): JsonValue[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  throw Faults.invalidProperty(`${element} expects an array`, element);
}

/** `{ "value": "42", "name": "…" }` → "42". */
export function readRef(o: JsonObject, key: string): string | undefined {
  const ref = readObject(o, key);
  if (!ref) return undefined;
  const value = readString(ref, 'value', `${key}.value`);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readDate(o: JsonObject, key: string): string | undefined {
  const v = readString(o, key);
  if (v === undefined || v === '') return undefined;
  // QuickBooks accepts a date-time for date fields and keeps the date part.
  const date = v.length > 10 && /^\d{4}-\d{2}-\d{2}T/.test(v) ? v.slice(0, 10) : v;
  if (!isIsoDate(date)) throw Faults.invalidProperty(`${key} expects a date (YYYY-MM-DD), got "${v}"`, key);
  return date;
}

export function checkLength(value: string | undefined, element: string, max: number): void {
  if (value !== undefined && value.length > max) throw Faults.stringLength(element, max, value.length);
}

/** Stored refs keep only the value; names are filled in from the current store when rendering. */
export function ref(value: string): JsonObject {
  return { value };
}

/** Reads a SyncToken the way clients send it ("0", or 0 from careless clients). */
export function readSyncToken(o: JsonObject): string | undefined {
  const v = o['SyncToken'];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim();
  if (Decimal.isDecimal(v)) return numberText(v);
  throw Faults.invalidProperty('SyncToken expects a string', 'SyncToken');
}

import { Decimal } from 'decimal.js';
import { Dec, numberText } from '../money';

/**
 * JSON as the sandbox holds it: every number is a Decimal built from the number's source text, so
 * "0.10" never passes through a binary float. Node 24's JSON.parse reviver receives
 * `context.source` for primitives, which is what makes this possible without a hand-written parser.
 */
export type JsonValue = null | boolean | string | Decimal | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

type ReviverContext = { source?: string };

function exactReviver(this: unknown, _key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value === 'number') return new Dec(context?.source ?? String(value));
  return value;
}

/** Parses JSON text keeping numbers exact. Throws SyntaxError on malformed text. */
export function parseExactJson(text: string): JsonValue {
  return JSON.parse(text, exactReviver as (key: string, value: unknown) => unknown) as JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Decimal.isDecimal(value);
}

/**
 * Serializes with exact number text. Accepts plain JS numbers too (counts, positions), which are
 * integers by construction in this code base. `undefined` members are skipped like JSON.stringify.
 */
export function stringifyExactJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
  } else if (typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    out.push(Number.isFinite(value) ? String(value) : 'null');
  } else if (Decimal.isDecimal(value)) {
    out.push(numberText(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      write(item === undefined ? null : item, out);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      write(v, out);
    }
    out.push('}');
  } else {
    out.push('null');
  }
}

/** Deep copy, so stored entities never share mutable structure with requests or responses. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [k, v] of Object.entries(value)) copy[k] = cloneJson(v);
    return copy as T;
  }
  return value; // primitives and Decimals are immutable
}

import { Decimal } from 'decimal.js';
import { Company, ENTITY_NAMES, EntityName, EntityRecord, NAME_LIST_ENTITIES } from '../company-store';
import { renderEntity } from '../entities/entity-operations';
import { parseDecimal } from '../money';
import { Faults } from '../qbo-fault';
import { companyMidnight, isIsoDate, parseCompanyInstant } from '../time/company-time';
import { FieldKind, FieldValue, QueryField, queryField } from './query-fields';
import { Condition, ParsedQuery, QueryValue, parseQuery } from './query-parser';

/** "If the result size is not specified, the default number is 100"; at most 1000 (reference §4). */
export const DEFAULT_MAX_RESULTS = 100;
export const MAX_MAX_RESULTS = 1000;

interface CompiledCondition {
  field: QueryField;
  op: Condition['op'];
  values: FieldValue[];
  like?: RegExp;
}

/**
 * Runs a statement against a company and returns the `QueryResponse` member:
 * rows → `{ <Entity>: [...], startPosition, maxResults }` (maxResults = rows in this page);
 * no rows → `{}`; COUNT(*) → `{ totalCount }`.
 * @throws QboFault 4000 (parse), 4001 (validation: unknown entity or property, bad value, paging)
 */
export function runQuery(company: Company, text: string): Record<string, unknown> {
  const query = parseQuery(text);
  const entity = ENTITY_NAMES.find((e) => e.toLowerCase() === query.entity.toLowerCase());
  if (!entity) throw Faults.queryValidation(`Entity '${query.entity}' is not supported`);
  const conditions = query.conditions.map((c) => compile(company, entity, c));
  const startPosition = query.startPosition ?? 1;
  const maxResults = query.maxResults ?? DEFAULT_MAX_RESULTS;
  if (startPosition < 1) throw Faults.queryValidation('STARTPOSITION must be 1 or more');
  if (!query.count && (maxResults < 1 || maxResults > MAX_MAX_RESULTS)) {
    throw Faults.queryValidation(`MAXRESULTS must be between 1 and ${MAX_MAX_RESULTS}`);
  }

  const onlyActive = NAME_LIST_ENTITIES.has(entity) && !conditions.some((c) => c.field.name === 'Active');
  const matches: EntityRecord[] = [];
  for (const record of candidates(company, entity, conditions)) {
    if (onlyActive && record.data['Active'] === false) continue;
    if (conditions.every((c) => matchesCondition(record, c))) matches.push(record);
  }
  if (query.count) return { totalCount: matches.length };

  sortRecords(entity, matches, query);
  const page = matches.slice(startPosition - 1, startPosition - 1 + maxResults);
  if (page.length === 0) return {};
  return { [entity]: page.map((r) => renderEntity(company, r)), startPosition, maxResults: page.length };
}

/** Id = / Id IN use the table directly; everything else scans the live records. */
function candidates(company: Company, entity: EntityName, conditions: CompiledCondition[]): Iterable<EntityRecord> {
  const byId = conditions.find((c) => c.field.name === 'Id' && (c.op === '=' || c.op === 'IN'));
  if (!byId) return company.liveRecords(entity);
  const out: EntityRecord[] = [];
  for (const v of new Set(byId.values)) {
    const r = typeof v === 'number' ? company.live(entity, String(v)) : undefined;
    if (r) out.push(r);
  }
  return out;
}

const ALLOWED_OPS: Record<FieldKind, ReadonlySet<string>> = {
  id: new Set(['=', '!=', '<', '>', '<=', '>=', 'IN']),
  string: new Set(['=', '!=', '<', '>', '<=', '>=', 'IN', 'LIKE']),
  enum: new Set(['=', '!=', 'IN', 'LIKE']),
  ref: new Set(['=', '!=', 'IN', 'LIKE']),
  decimal: new Set(['=', '!=', '<', '>', '<=', '>=', 'IN']),
  date: new Set(['=', '!=', '<', '>', '<=', '>=', 'IN']),
  datetime: new Set(['=', '!=', '<', '>', '<=', '>=', 'IN']),
  boolean: new Set(['=', '!=', 'IN']),
};

function compile(company: Company, entity: EntityName, c: Condition): CompiledCondition {
  const field = queryField(entity, c.field);
  if (!field) throw Faults.queryValidation(`property '${c.field}' is not queryable`);
  if (!ALLOWED_OPS[field.kind].has(c.op)) throw Faults.queryValidation(`operator ${c.op} is not supported for property '${field.name}'`);
  if (c.op === 'LIKE') {
    const v = c.values[0];
    const pattern = v.kind === 'string' ? v.text : '';
    const source = pattern
      .split('%')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return { field, op: c.op, values: [], like: new RegExp(`^${source}$`, 'is') };
  }
  return { field, op: c.op, values: c.values.map((v) => comparable(company, field, v)) };
}

function valueText(v: QueryValue): string | undefined {
  if (v.kind === 'string' || v.kind === 'number') return v.text;
  if (v.kind === 'boolean') return String(v.value);
  return undefined;
}

function comparable(company: Company, field: QueryField, v: QueryValue): FieldValue {
  const bad = (): never => {
    throw Faults.queryValidation(`value '${valueText(v) ?? 'CURRENT_DATE'}' is not valid for property '${field.name}'`);
  };
  const text = valueText(v);
  switch (field.kind) {
    case 'id':
      return text !== undefined && /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : bad();
    case 'string':
    case 'enum':
      return text !== undefined ? text.toLowerCase() : bad();
    case 'ref':
      return text !== undefined ? text.trim() : bad();
    case 'decimal':
      return (text !== undefined ? parseDecimal(text) : undefined) ?? bad();
    case 'boolean':
      return v.kind === 'boolean' ? v.value : text === 'true' || text === 'false' ? text === 'true' : bad();
    case 'date': {
      if (v.kind === 'current_date') return company.today();
      const d = text?.trim().slice(0, 10);
      return d !== undefined && isIsoDate(d) ? d : bad();
    }
    case 'datetime': {
      if (v.kind === 'current_date') return companyMidnight(company.today(), company.timeZone);
      return (text !== undefined ? parseCompanyInstant(text, company.timeZone) : undefined) ?? bad();
    }
  }
}

/** Orders two comparable values of one kind; undefined when either side is missing. */
function compareValues(kind: FieldKind, a: FieldValue, b: FieldValue): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (Decimal.isDecimal(a) && Decimal.isDecimal(b)) return a.comparedTo(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') {
    if (kind === 'ref' && /^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
    const x = kind === 'string' || kind === 'enum' ? a.toLowerCase() : a;
    const y = kind === 'string' || kind === 'enum' ? b.toLowerCase() : b;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return undefined;
}

function recordValue(record: EntityRecord, field: QueryField): FieldValue {
  const v = field.get(record);
  return field.kind === 'id' ? Number(v) : v;
}

function matchesCondition(record: EntityRecord, c: CompiledCondition): boolean {
  const actual = recordValue(record, c.field);
  if (actual === undefined) return false;
  if (c.like) return typeof actual === 'string' && c.like.test(actual);
  const cmp = (expected: FieldValue) => compareValues(c.field.kind, actual, expected);
  switch (c.op) {
    case '=':
      return cmp(c.values[0]) === 0;
    case '!=':
      return cmp(c.values[0]) !== 0;
    case '<':
      return (cmp(c.values[0]) ?? 0) < 0;
    case '>':
      return (cmp(c.values[0]) ?? 0) > 0;
    case '<=': {
      const r = cmp(c.values[0]);
      return r !== undefined && r <= 0;
    }
    case '>=': {
      const r = cmp(c.values[0]);
      return r !== undefined && r >= 0;
    }
    case 'IN':
      return c.values.some((v) => cmp(v) === 0);
    default:
      return false;
  }
}

function sortRecords(entity: EntityName, records: EntityRecord[], query: ParsedQuery): void {
  const keys = query.orderBy.map((o) => {
    const field = queryField(entity, o.field);
    if (!field) throw Faults.queryValidation(`property '${o.field}' is not sortable`);
    return { field, sign: o.descending ? -1 : 1 };
  });
  records.sort((a, b) => {
    for (const { field, sign } of keys) {
      const va = recordValue(a, field);
      const vb = recordValue(b, field);
      if (va === undefined && vb === undefined) continue;
      if (va === undefined) return 1; // missing values last, whatever the direction
      if (vb === undefined) return -1;
      const c = compareValues(field.kind, va, vb) ?? 0;
      if (c !== 0) return sign * c;
    }
    return Number(a.id) - Number(b.id); // stable default: Id ascending
  });
}

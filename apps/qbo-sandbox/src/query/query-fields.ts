import { Decimal } from 'decimal.js';
import { EntityName, EntityRecord } from '../company-store';
import { JsonObject, isJsonObject } from '../json/exact-json';
import { parseDecimal } from '../money';

/**
 * Queryable properties per entity (the reference pages' "filterable" tags, reference §4). A filter
 * on anything else is a QueryValidationError ("property 'UnappliedAmt' is not queryable").
 */
export type FieldKind = 'id' | 'string' | 'enum' | 'ref' | 'decimal' | 'date' | 'datetime' | 'boolean';

/** A field value in comparable form: strings lower-cased, dates ISO, instants epoch ms. */
export type FieldValue = string | number | boolean | Decimal | undefined;

export interface QueryField {
  name: string;
  kind: FieldKind;
  get(record: EntityRecord): FieldValue;
}

const raw = (data: JsonObject, path: string[]): unknown => {
  let v: unknown = data;
  for (const p of path) v = isJsonObject(v) ? v[p] : undefined;
  return v;
};

function field(name: string, kind: FieldKind, path = name.split('.')): QueryField {
  return {
    name,
    kind,
    get(record) {
      const v = raw(record.data, path);
      switch (kind) {
        case 'string':
        case 'enum':
        case 'date':
          return typeof v === 'string' ? v : undefined;
        case 'ref':
          return isJsonObject(v) && typeof v['value'] === 'string' ? v['value'] : undefined;
        case 'decimal':
          return Decimal.isDecimal(v) ? v : typeof v === 'string' ? parseDecimal(v) : undefined;
        case 'boolean':
          return typeof v === 'boolean' ? v : undefined;
        default:
          return undefined;
      }
    },
  };
}

const ID: QueryField = { name: 'Id', kind: 'id', get: (r) => r.id };
const CREATED: QueryField = { name: 'MetaData.CreateTime', kind: 'datetime', get: (r) => r.createdAtMs };
const UPDATED: QueryField = { name: 'MetaData.LastUpdatedTime', kind: 'datetime', get: (r) => r.updatedAtMs };

const TXN_COMMON = [field('TxnDate', 'date'), field('CustomerRef', 'ref'), field('TotalAmt', 'decimal')];

const FIELDS: Record<EntityName, QueryField[]> = {
  Customer: [
    field('DisplayName', 'string'),
    field('GivenName', 'string'),
    field('MiddleName', 'string'),
    field('FamilyName', 'string'),
    field('CompanyName', 'string'),
    field('FullyQualifiedName', 'string'),
    field('Title', 'string'),
    field('Suffix', 'string'),
    field('PrintOnCheckName', 'string'),
    field('PrimaryEmailAddr', 'string', ['PrimaryEmailAddr', 'Address']),
    field('Active', 'boolean'),
    field('Balance', 'decimal'),
    field('Job', 'boolean'),
    field('ParentRef', 'ref'),
  ],
  Item: [
    field('Name', 'string'),
    field('FullyQualifiedName', 'string'),
    field('Sku', 'string'),
    field('Type', 'enum'),
    field('Active', 'boolean'),
    field('UnitPrice', 'decimal'),
    field('ParentRef', 'ref'),
  ],
  Account: [
    field('Name', 'string'),
    field('FullyQualifiedName', 'string'),
    field('Description', 'string'),
    field('Classification', 'enum'),
    field('AccountType', 'enum'),
    field('AccountSubType', 'enum'),
    field('Active', 'boolean'),
    field('SubAccount', 'boolean'),
    field('ParentRef', 'ref'),
    field('CurrentBalance', 'decimal'),
    field('AcctNum', 'string'),
  ],
  Term: [field('Name', 'string'), field('Active', 'boolean'), field('Type', 'enum')],
  Invoice: [
    ...TXN_COMMON,
    field('DocNumber', 'string'),
    field('DueDate', 'date'),
    field('SalesTermRef', 'ref'),
    field('Balance', 'decimal'),
    field('EmailStatus', 'enum'),
    field('PrintStatus', 'enum'),
  ],
  CreditMemo: [...TXN_COMMON, field('DocNumber', 'string'), field('Balance', 'decimal')],
  Payment: [...TXN_COMMON, field('PaymentRefNum', 'string')],
  Preferences: [],
  CompanyInfo: [field('CompanyName', 'string')],
};

const INDEX = new Map<EntityName, Map<string, QueryField>>();
for (const [entity, list] of Object.entries(FIELDS) as [EntityName, QueryField[]][]) {
  const byName = new Map<string, QueryField>();
  for (const f of [ID, CREATED, UPDATED, ...list]) byName.set(f.name.toLowerCase(), f);
  INDEX.set(entity, byName);
}

/** Property lookup, case-insensitive ("metadata.lastupdatedtime" included). */
export function queryField(entity: EntityName, name: string): QueryField | undefined {
  return INDEX.get(entity)?.get(name.toLowerCase());
}

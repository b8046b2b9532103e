import { Company, EntityName, EntityRecord, TRANSACTION_ENTITIES } from '../company-store';
import { JsonObject } from '../json/exact-json';
import { Faults } from '../qbo-fault';
import { AccountKind } from './account';
import { CompanyInfoKind } from './company-info';
import { CustomerKind } from './customer';
import { EntityKind, WriteContext, isHidden, rejectUnknownFields } from './entity-kind';
import { readBoolean, readDate, readString, readSyncToken } from './fields';
import { ItemKind } from './item';
import { PaymentKind } from './payment';
import { PreferencesKind, assertPeriodOpen } from './preferences';
import { CreditMemoKind, InvoiceKind } from './sales-form';
import { TermKind } from './term';

export const ENTITY_KINDS: Readonly<Record<EntityName, EntityKind>> = {
  Customer: CustomerKind,
  Item: ItemKind,
  Account: AccountKind,
  Term: TermKind,
  Invoice: InvoiceKind,
  Payment: PaymentKind,
  CreditMemo: CreditMemoKind,
  Preferences: PreferencesKind,
  CompanyInfo: CompanyInfoKind,
};

/** URL path segment → entity ("URIs are case sensitive", reference §1.2). */
export const ENTITY_BY_PATH: Readonly<Record<string, EntityName>> = {
  customer: 'Customer',
  item: 'Item',
  account: 'Account',
  term: 'Term',
  invoice: 'Invoice',
  payment: 'Payment',
  creditmemo: 'CreditMemo',
  preferences: 'Preferences',
  companyinfo: 'CompanyInfo',
};

/** Preferences and CompanyInfo are singletons with Id "1". */
const SINGLETONS: ReadonlySet<EntityName> = new Set(['Preferences', 'CompanyInfo']);

/**
 * Creates an object. A fault leaves the company untouched: `prepare` validates everything first.
 * @throws QboFault (validation and business rules of the entity)
 */
export function createEntity(ctx: WriteContext, type: EntityName, body: JsonObject): EntityRecord {
  const kind = ENTITY_KINDS[type];
  if (!kind.creatable) throw Faults.unsupportedOperation(`Create for ${type}`);
  rejectUnknownFields(kind, body);
  const data = kind.prepare(ctx, body, undefined);
  const record = ctx.company.insert(type, data, ctx.now);
  ctx.company.recordChange(record, 'Create', ctx.now);
  kind.afterWrite?.(ctx, record, undefined);
  return record;
}

/**
 * Full or sparse (`"sparse": true`) update. Full: writable fields left out become empty.
 * Sparse: only the fields sent change (a `Line` array sent still replaces all lines).
 * @throws QboFault 2020 (Id/SyncToken missing), 610 (not found), 5010 (stale SyncToken), entity rules
 */
export function updateEntity(ctx: WriteContext, type: EntityName, body: JsonObject): EntityRecord {
  const kind = ENTITY_KINDS[type];
  const record = lockedRecord(ctx, type, body);
  rejectUnknownFields(kind, body);
  const sparse = readBoolean(body, 'sparse') === true;
  const candidate: JsonObject = {};
  if (sparse) {
    for (const [k, v] of Object.entries(record.data)) if (kind.writable.has(k)) candidate[k] = v;
  }
  for (const [k, v] of Object.entries(body)) {
    if (!kind.writable.has(k)) continue;
    if (v === null) delete candidate[k];
    else candidate[k] = v;
  }
  const data = kind.prepare(ctx, candidate, record);
  const previous = record.data;
  ctx.company.replace(record, data, ctx.now);
  ctx.company.recordChange(record, 'Update', ctx.now);
  kind.afterWrite?.(ctx, record, previous);
  return record;
}

/**
 * `?operation=delete` with `{Id, SyncToken}`. Name-list objects are deactivated instead (sparse
 * `Active:false`), so deleting them is unsupported.
 * @throws QboFault 500 (not deletable), 610, 5010, 6210, 6000 (linked transactions)
 */
export function deleteEntity(ctx: WriteContext, type: EntityName, body: JsonObject): EntityRecord {
  const kind = ENTITY_KINDS[type];
  if (!kind.deletable) throw Faults.unsupportedOperation(`Delete for ${type}`);
  const record = lockedRecord(ctx, type, body);
  if (TRANSACTION_ENTITIES.has(type)) assertPeriodOpen(ctx, readDate(record.data, 'TxnDate'));
  kind.beforeDelete?.(ctx, record);
  const previous = record.data;
  ctx.company.markDeleted(record, ctx.now);
  ctx.company.recordChange(record, 'Delete', ctx.now);
  kind.afterDelete?.(ctx, record, previous);
  return record;
}

/**
 * `?operation=void` (or, for payments, `?operation=update&include=void`).
 * @throws QboFault 500 (not voidable), 610, 5010, 6210, 6000 (already voided)
 */
export function voidEntity(ctx: WriteContext, type: EntityName, body: JsonObject): EntityRecord {
  const kind = ENTITY_KINDS[type];
  if (!kind.voidable || !kind.voidRecord) throw Faults.unsupportedOperation(`Void for ${type}`);
  const record = lockedRecord(ctx, type, body);
  if (record.state === 'voided') throw Faults.business('The transaction is already voided.');
  assertPeriodOpen(ctx, readDate(record.data, 'TxnDate'));
  kind.voidRecord(ctx, record);
  ctx.company.recordChange(record, 'Void', ctx.now);
  return record;
}

/** Read by Id. @throws QboFault 610 when missing or deleted */
export function readEntity(company: Company, type: EntityName, id: string): EntityRecord {
  const record = company.live(type, id);
  if (!record) throw Faults.objectNotFound();
  return record;
}

/** The object as QuickBooks returns it: entity JSON plus Id, SyncToken, MetaData, domain, sparse. */
export function renderEntity(company: Company, record: EntityRecord): JsonObject {
  if (record.state === 'deleted') return renderDeleted(record, false);
  const body = ENTITY_KINDS[record.type].render(company, record);
  return {
    ...body,
    domain: 'QBO',
    sparse: false,
    Id: record.id,
    SyncToken: String(record.syncToken),
    MetaData: { CreateTime: record.createTime, LastUpdatedTime: record.lastUpdatedTime },
  };
}

/** `{status:"Deleted", domain, Id}` (delete response); CDC adds MetaData.LastUpdatedTime. */
export function renderDeleted(record: EntityRecord, withMetaData: boolean): JsonObject {
  const out: JsonObject = { domain: 'QBO', status: 'Deleted', Id: record.id };
  if (withMetaData) out['MetaData'] = { LastUpdatedTime: record.lastUpdatedTime };
  return out;
}

/** The record named by `Id` with the caller's `SyncToken` checked against the current version. */
function lockedRecord(ctx: WriteContext, type: EntityName, body: JsonObject): EntityRecord {
  const id = SINGLETONS.has(type) ? (readString(body, 'Id') ?? '1') : readString(body, 'Id')?.trim();
  if (!id) throw Faults.requiredParam('Id');
  const record = ctx.company.live(type, id);
  if (!record || isHidden(ctx, type, id)) throw Faults.objectNotFound('Id');
  const syncToken = readSyncToken(body);
  if (syncToken === undefined) throw Faults.requiredParam('SyncToken');
  if (syncToken !== String(record.syncToken)) throw Faults.staleObject();
  return record;
}

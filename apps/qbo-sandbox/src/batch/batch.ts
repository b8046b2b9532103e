import { Company, ENTITY_NAMES, EntityName } from '../company-store';
import { Actor, WriteContext } from '../entities/entity-kind';
import { createEntity, deleteEntity, renderDeleted, renderEntity, updateEntity, voidEntity } from '../entities/entity-operations';
import { readString } from '../entities/fields';
import { JsonObject, JsonValue, isJsonObject } from '../json/exact-json';
import { Faults, QboFault } from '../qbo-fault';
import { runQuery } from '../query/query-executor';

/** bIds are limited to 10 characters when the batch carries a requestid (reference §1.4). */
const MAX_BID_WITH_REQUEST_ID = 10;

export interface BatchOptions {
  maxItems: number;
  include: ReadonlySet<string>;
  requestId?: string;
  actor: Actor;
  now: number;
}

/** Items of a batch body, validated as a whole before anything runs. @throws QboFault 2020 / 1040 / 2010 */
export function batchItems(body: JsonValue, options: Pick<BatchOptions, 'maxItems' | 'requestId'>): JsonObject[] {
  const items = isJsonObject(body) ? body['BatchItemRequest'] : undefined;
  if (!Array.isArray(items) || items.length === 0) throw Faults.requiredParam('BatchItemRequest');
  if (items.length > options.maxItems) throw Faults.batchTooLarge(options.maxItems, items.length);
  const bIds = new Set<string>();
  for (const item of items) {
    if (!isJsonObject(item)) throw Faults.invalidProperty('BatchItemRequest items must be objects', 'BatchItemRequest');
    const bId = readString(item, 'bId');
    if (!bId) throw Faults.requiredParam('bId');
    if (bIds.has(bId)) throw Faults.invalidProperty(`bId "${bId}" is used more than once`, 'bId');
    if (options.requestId && bId.length > MAX_BID_WITH_REQUEST_ID) {
      throw Faults.stringLength('bId', MAX_BID_WITH_REQUEST_ID, bId.length);
    }
    bIds.add(bId);
  }
  return items as JsonObject[];
}

/**
 * Runs a batch: items are independent (one item's fault does not stop the others, and an object
 * created by one item is not visible to later items, reference §6); each answer carries its bId
 * and either the entity, a QueryResponse or a per-item Fault. The HTTP status is 200 regardless.
 */
export function runBatch(company: Company, items: JsonObject[], options: BatchOptions): Record<string, unknown> {
  const hidden = new Set<string>();
  const ctx: WriteContext = { company, now: options.now, include: options.include, actor: options.actor, hiddenInBatch: hidden };
  const responses = items.map((item) => {
    const bId = readString(item, 'bId') as string;
    try {
      return { bId, ...runItem(ctx, item, hidden) };
    } catch (e) {
      const fault = e instanceof QboFault ? e : Faults.system(e instanceof Error ? e.message : String(e));
      return { bId, Fault: fault.toFaultBody() };
    }
  });
  return { BatchItemResponse: responses };
}

function runItem(ctx: WriteContext, item: JsonObject, hidden: Set<string>): Record<string, unknown> {
  const operation = (readString(item, 'operation') ?? '').toLowerCase();
  const query = readString(item, 'Query');
  if (query !== undefined || operation === 'query') {
    if (!query) throw Faults.requiredParam('Query');
    return { QueryResponse: runQuery(ctx.company, query) };
  }
  const entity = ENTITY_NAMES.find((name) => isJsonObject(item[name]));
  if (!entity) throw Faults.invalidProperty('the item names no entity (e.g. "Invoice": {…})', 'BatchItemRequest');
  const body = item[entity] as JsonObject;
  switch (operation) {
    case 'create': {
      const record = createEntity(ctx, entity, body);
      hidden.add(`${entity}:${record.id}`);
      return { [entity]: renderEntity(ctx.company, record) };
    }
    case 'update':
      return { [entity]: renderEntity(ctx.company, isVoidUpdate(item, entity) ? voidEntity(ctx, entity, body) : updateEntity(ctx, entity, body)) };
    case 'delete':
      return { [entity]: renderDeleted(deleteEntity(ctx, entity, body), false) };
    case 'void':
      return { [entity]: renderEntity(ctx.company, voidEntity(ctx, entity, body)) };
    default:
      throw Faults.invalidEnumeration('operation', operation || '(none)');
  }
}

/** A payment is voided through an update carrying `optionsData: "void"` in a batch. */
function isVoidUpdate(item: JsonObject, entity: EntityName): boolean {
  return entity === 'Payment' && (readString(item, 'optionsData') ?? '').toLowerCase() === 'void';
}

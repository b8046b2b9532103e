import type { CreatableEntity, DeletableEntity, QboCreateMap, QboDeleted, QboEntityMap, QboObjectVersion, QboSparsePatch, QueryableEntity, UpdatableEntity } from './qbo-entities';
import type { QboError } from './qbo-errors';
import type { QboQuery } from './query-builder';

/** QuickBooks' documented maximum payloads per BatchItemRequest. */
export const QBO_MAX_BATCH_ITEMS = 30;

export type BatchOperation =
  | { [E in CreatableEntity]: { operation: 'create'; entity: E; body: QboCreateMap[E] } }[CreatableEntity]
  | { [E in UpdatableEntity]: { operation: 'update'; entity: E; body: QboSparsePatch<E> } }[UpdatableEntity]
  | { [E in DeletableEntity]: { operation: 'delete'; entity: E; body: QboObjectVersion } }[DeletableEntity]
  | { operation: 'query'; query: QboQuery<QueryableEntity>; page?: { startPosition: number; maxResults: number } };

export interface BatchItem {
  /** The caller's name for this item; results come back under it, in input order. */
  key: string;
  op: BatchOperation;
}

export type BatchItemResult =
  | { key: string; ok: true; operation: 'create' | 'update'; entity: keyof QboEntityMap; value: QboEntityMap[keyof QboEntityMap] }
  | { key: string; ok: true; operation: 'delete'; entity: keyof QboEntityMap; value: QboDeleted }
  | { key: string; ok: true; operation: 'query'; entity: keyof QboEntityMap; value: Array<QboEntityMap[keyof QboEntityMap]> }
  /** The item failed on its own (HTTP 200 with a per-item Fault), or its outcome is unknown. */
  | { key: string; ok: false; operation: BatchOperation['operation']; error: QboError };

export const isWriteOperation = (op: BatchOperation): boolean => op.operation !== 'query';

export const batchEntity = (op: BatchOperation): keyof QboEntityMap => (op.operation === 'query' ? op.query.entity : op.entity);

/** Splits into requests of at most `size` items, preserving order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

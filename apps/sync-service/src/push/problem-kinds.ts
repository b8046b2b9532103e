import type { SyncEntityType } from '../ledger/sync-work';

export type ProblemAction = 'resync' | 'clear' | 'mark_paid' | 'remove_link' | 'override_link' | 'map' | 'push_now';

export type ProblemKind =
  | 'duplicate_match'
  | 'duplicate_name'
  | 'duplicate_doc_number'
  | 'missing_sku'
  | 'item_not_found'
  | 'duplicate_item'
  | 'closed_period'
  | 'invalid_reference'
  | 'validation'
  | 'stale_object'
  | 'not_connected'
  | 'qbo_unavailable'
  | 'dependency_missing'
  | 'reconciliation_difference';

/** What a controller can do about each kind, and how it reads. The reason is completed with specifics. */
export const ProblemCatalog: Record<ProblemKind, { title: string; actions: (entity: SyncEntityType) => ProblemAction[] }> = {
  duplicate_match: { title: 'Several QuickBooks records match this one; choose which', actions: () => ['map', 'resync', 'clear'] },
  duplicate_name: { title: 'The name is already used by another QuickBooks record', actions: () => ['map', 'resync', 'clear'] },
  duplicate_doc_number: { title: 'QuickBooks already has a document with this number', actions: (e) => ['override_link', 'resync', 'clear', ...paid(e)] },
  missing_sku: { title: 'The item has no SKU to match in QuickBooks', actions: () => ['map', 'resync', 'clear'] },
  item_not_found: { title: 'No QuickBooks item has this SKU', actions: () => ['map', 'resync', 'clear'] },
  duplicate_item: { title: 'Several QuickBooks items have this SKU or name', actions: () => ['map', 'resync', 'clear'] },
  closed_period: { title: 'The date is on or before the QuickBooks book close date', actions: (e) => ['resync', 'clear', ...paid(e)] },
  invalid_reference: { title: 'QuickBooks refused a reference (customer, item, term or account)', actions: (e) => ['resync', 'remove_link', 'override_link', 'clear', ...paid(e)] },
  validation: { title: 'QuickBooks rejected the document', actions: (e) => ['resync', 'clear', ...paid(e)] },
  stale_object: { title: 'The QuickBooks record changed while we updated it', actions: () => ['resync', 'clear'] },
  not_connected: { title: 'This company is not connected to QuickBooks', actions: () => ['resync', 'clear'] },
  qbo_unavailable: { title: 'QuickBooks kept failing or throttling; still retrying', actions: () => ['resync', 'clear'] },
  dependency_missing: { title: 'A document this one depends on is not in QuickBooks yet', actions: () => ['resync', 'clear'] },
  reconciliation_difference: { title: 'Reconciliation found this document out of sync with QuickBooks', actions: (e) => ['resync', 'remove_link', 'override_link', 'clear', ...paid(e)] },
};

function paid(entity: SyncEntityType): ProblemAction[] {
  return entity === 'invoice' ? ['mark_paid'] : [];
}

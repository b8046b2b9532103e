export type SyncEntityType = 'customer' | 'item' | 'invoice' | 'payment' | 'credit-memo';

/** QuickBooks work an applied event causes: queued once per document, a newer version replacing a pending one. */
export interface SyncWork {
  entityType: SyncEntityType;
  sourceId: string;
  version: number;
  reason: 'upsert' | 'void';
}

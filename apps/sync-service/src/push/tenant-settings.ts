import type { SyncEntityType } from '../ledger/sync-work';
import type { Sql } from '../sql';

/** What a tenant's admin decides (CONTRACT.md §2 settings); defaults sync everything and push on approval. */
export interface TenantSettings {
  syncEntityTypes: SyncEntityType[];
  autoPush: boolean;
  defaultTermId?: string;
  arAccountId?: string;
  defaultIncomeAccountId?: string;
  descriptionTemplate?: string;
}

export const DEFAULT_SETTINGS: TenantSettings = {
  syncEntityTypes: ['customer', 'item', 'invoice', 'payment', 'credit-memo'],
  autoPush: true,
};

export async function loadTenantSettings(sql: Sql, tenantId: string): Promise<{ settings: TenantSettings; inSyncPoint: string | null }> {
  const [row] = await sql<{ settings: Partial<TenantSettings>; in_sync_point: string | null }>(
    `select settings, to_char(in_sync_point, 'YYYY-MM-DD') as in_sync_point from tenant_settings where tenant_id = ?`,
    [tenantId],
  );
  return { settings: { ...DEFAULT_SETTINGS, ...(row?.settings ?? {}) }, inSyncPoint: row?.in_sync_point ?? null };
}

/**
 * Go / no-go: an explicit flag wins; otherwise a document dated before the in-sync point is no-go (it is part
 * of the opening balance, already in QuickBooks).
 */
export function isGo(exportFlag: string | null, documentDate: string, inSyncPoint: string | null): boolean {
  if (exportFlag === 'go') return true;
  if (exportFlag === 'no_go') return false;
  return inSyncPoint === null || documentDate >= inSyncPoint;
}

import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_inbox } from './Migration20261122000000_inbox';
import { Migration20261122000100_ledger_and_sync_state } from './Migration20261122000100_ledger_and_sync_state';
import { Migration20261122000200_qbo_connection } from './Migration20261122000200_qbo_connection';
import { Migration20261207121500_qbo_rate_sliding_log } from './Migration20261207121500_qbo_rate_sliding_log';
import { Migration20261207130000_push_crash_safety } from './Migration20261207130000_push_crash_safety';

/** In order. Bundled into the app; applied by `main.js migrate` (the k8s migration Job), never on boot. */
export const syncMigrations: MigrationObject[] = [
  { name: 'Migration20261122000000_inbox', class: Migration20261122000000_inbox },
  { name: 'Migration20261122000100_ledger_and_sync_state', class: Migration20261122000100_ledger_and_sync_state },
  { name: 'Migration20261122000200_qbo_connection', class: Migration20261122000200_qbo_connection },
  { name: 'Migration20261207121500_qbo_rate_sliding_log', class: Migration20261207121500_qbo_rate_sliding_log },
  { name: 'Migration20261207130000_push_crash_safety', class: Migration20261207130000_push_crash_safety },
];

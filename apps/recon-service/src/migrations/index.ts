import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000_reconciliation_runs } from './Migration20261123000000_reconciliation_runs';

/** In order. Bundled into the app; applied by `main.js migrate` (the k8s migration Job), never on boot. */
export const reconMigrations: MigrationObject[] = [
  { name: 'Migration20261123000000_reconciliation_runs', class: Migration20261123000000_reconciliation_runs },
];

import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000000_inbox } from './Migration20261122000000_inbox';

/** In order. Bundled into the app; applied by `main.js migrate` (the k8s migration Job), never on boot. */
export const syncMigrations: MigrationObject[] = [{ name: 'Migration20261122000000_inbox', class: Migration20261122000000_inbox }];

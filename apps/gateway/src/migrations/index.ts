import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000_gateway } from './Migration20261123000000_gateway';

/** In order. Bundled into the app; applied by `main.js migrate` (the k8s migration Job), never on boot. */
export const gatewayMigrations: MigrationObject[] = [{ name: 'Migration20261123000000_gateway', class: Migration20261123000000_gateway }];

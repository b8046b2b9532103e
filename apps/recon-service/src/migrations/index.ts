import type { MigrationObject } from '@mikro-orm/core';

/** In order. Bundled into the app; applied by `main.js migrate` (the k8s migration Job), never on boot. */
export const reconMigrations: MigrationObject[] = [];

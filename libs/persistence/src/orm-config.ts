import { defineConfig, type Options } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';

export interface ServiceOrmOptions {
  clientUrl: string;
  /** Each service owns one PostgreSQL schema (sync, recon, gateway). */
  schema: string;
  entities: NonNullable<Options['entities']>;
  /** Migrations are compiled into the app (webpack bundles them), so they are listed, not globbed. */
  migrations: MigrationObject[];
  poolMax?: number;
  debug?: boolean;
}

export function serviceOrmConfig(options: ServiceOrmOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    schema: options.schema,
    entities: options.entities,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10 },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: options.debug ?? false,
    discovery: { warnWhenNoEntities: false },
    migrations: {
      migrationsList: options.migrations,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  });
}

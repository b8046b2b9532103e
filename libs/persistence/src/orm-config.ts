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

/** Unqualified SQL (migrations, raw queries) lands in the service's own schema: every pooled connection sets search_path. */
function setSearchPath(schema: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) =>
    conn.query(`set search_path to "${schema}", public`, (err) => done(err, conn));
}

export function serviceOrmConfig(options: ServiceOrmOptions): Options {
  return defineConfig({
    clientUrl: options.clientUrl,
    schema: options.schema,
    entities: options.entities,
    extensions: [Migrator],
    pool: { min: 0, max: options.poolMax ?? 10, afterCreate: setSearchPath(options.schema) },
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

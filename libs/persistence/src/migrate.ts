import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { serviceOrmConfig, type ServiceOrmOptions } from './orm-config';

/**
 * Creates the service's schema and applies its pending migrations, all or nothing. Run by the k8s
 * migration Job (`node main.js migrate`) and by the local launcher before the apps start.
 */
export async function runServiceMigrations(options: ServiceOrmOptions): Promise<string[]> {
  const client = new Client({ connectionString: options.clientUrl });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${options.schema.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const orm = await MikroORM.init(serviceOrmConfig({ ...options, poolMax: 2 }));
  try {
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

import { runServiceMigrations } from '@arbiter/persistence';
import { bootstrapHttpApp, installProcessHandlers } from '@arbiter/runtime';
import { AppModule, reconEntities } from './app.module';
import { loadReconConfig } from './config';
import { reconMigrations } from './migrations';

async function main(): Promise<void> {
  installProcessHandlers('recon-service');
  const config = loadReconConfig();
  if (process.argv[2] === 'migrate') {
    const applied = await runServiceMigrations({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: reconEntities, migrations: reconMigrations });
    process.stdout.write(JSON.stringify({ level: 'info', app: 'recon-service', msg: `migrations applied count=${applied.length}`, applied }) + '\n');
    return;
  }
  await bootstrapHttpApp('recon-service', AppModule.forRoot(config), { port: config.PORT });
}

main().catch((error) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', app: 'recon-service', msg: `failed to start: ${(error as Error).message}` }) + '\n');
  process.exit(1);
});

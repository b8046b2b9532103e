import { runServiceMigrations } from '@arbiter/persistence';
import { bootstrapHttpApp, installProcessHandlers } from '@arbiter/runtime';
import { AppModule, syncEntities } from './app.module';
import { loadSyncConfig } from './config';
import { kafkaTransport } from './kafka-transport';
import { syncMigrations } from './migrations';

async function main(): Promise<void> {
  installProcessHandlers('sync-service');
  const config = loadSyncConfig();
  if (process.argv[2] === 'migrate') {
    const applied = await runServiceMigrations({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: syncEntities, migrations: syncMigrations });
    process.stdout.write(JSON.stringify({ level: 'info', app: 'sync-service', msg: `migrations applied count=${applied.length}`, applied }) + '\n');
    return;
  }
  await bootstrapHttpApp('sync-service', AppModule.forRoot(config), {
    port: config.PORT,
    configure: (app) => {
      app.connectMicroservice(kafkaTransport(config), { inheritAppConfig: true });
    },
  });
}

main().catch((error) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', app: 'sync-service', msg: `failed to start: ${(error as Error).message}` }) + '\n');
  process.exit(1);
});

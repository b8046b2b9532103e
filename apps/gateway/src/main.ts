import { runServiceMigrations } from '@arbiter/persistence';
import { bootstrapHttpApp, installProcessHandlers } from '@arbiter/runtime';
import { AppModule, gatewayEntities } from './app.module';
import { loadGatewayConfig } from './config';
import { gatewayMigrations } from './migrations';

async function main(): Promise<void> {
  installProcessHandlers('gateway');
  const config = loadGatewayConfig();
  if (process.argv[2] === 'migrate') {
    const applied = await runServiceMigrations({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: gatewayEntities, migrations: gatewayMigrations });
    process.stdout.write(JSON.stringify({ level: 'info', app: 'gateway', msg: `migrations applied count=${applied.length}`, applied }) + '\n');
    return;
  }
  await bootstrapHttpApp('gateway', AppModule.forRoot(config), { port: config.PORT });
}

main().catch((error) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', app: 'gateway', msg: `failed to start: ${(error as Error).message}` }) + '\n');
  process.exit(1);
});

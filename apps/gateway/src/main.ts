import { runServiceMigrations } from '@arbiter/persistence';
import { bootstrapHttpApp, installProcessHandlers } from '@arbiter/runtime';
import { runApiKeyCli } from './api-keys/api-key-cli';
import { AppModule, gatewayEntities } from './app.module';
import { loadGatewayCliConfig, loadGatewayConfig } from './config';
import { configureGateway } from './gateway-app';
import { gatewayMigrations } from './migrations';

async function main(): Promise<void> {
  installProcessHandlers('gateway');
  const command = process.argv[2];
  if (command === 'migrate') {
    const config = loadGatewayCliConfig();
    const applied = await runServiceMigrations({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: gatewayEntities, migrations: gatewayMigrations });
    process.stdout.write(JSON.stringify({ level: 'info', app: 'gateway', msg: `migrations applied count=${applied.length}`, applied }) + '\n');
    return;
  }
  if (command === 'api-key') {
    process.exitCode = await runApiKeyCli(process.argv.slice(3));
    return;
  }
  const config = loadGatewayConfig();
  await bootstrapHttpApp('gateway', AppModule.forRoot(config), { port: config.PORT, host: config.HOST, configure: (app) => configureGateway(app, config) });
}

main().catch((error) => {
  process.stderr.write(JSON.stringify({ level: 'fatal', app: 'gateway', msg: `failed to start: ${(error as Error).message}` }) + '\n');
  process.exit(1);
});

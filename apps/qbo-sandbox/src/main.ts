import { bootstrapHttpApp, loadConfig } from '@arbiter/runtime';
import { APP_NAME, AppModule } from './app.module';
import { SandboxEnv, toSandboxConfig } from './config';
import { configureSandboxApp } from './sandbox.module';

/** Local QuickBooks Online stand-in (CONTRACT.md §3). Exits 1 listing every bad key if the environment is wrong. */
async function main(): Promise<void> {
  const config = toSandboxConfig(loadConfig(APP_NAME, SandboxEnv));
  await bootstrapHttpApp(APP_NAME, AppModule.register(config), {
    port: config.port,
    host: config.host,
    rawBody: true,
    configure: configureSandboxApp,
  });
}

void main();

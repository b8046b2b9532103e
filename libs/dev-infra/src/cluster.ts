import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDatabase } from './postgres';
import { freePort } from './ports';
import type { Infra } from './infra';

export type AppName = 'qbo-sandbox' | 'sync-service' | 'recon-service' | 'gateway';

export interface RunningApp {
  name: AppName;
  url: string;
  port: number;
  process: ChildProcess;
  /** The app's recent log lines (JSON), for diagnostics. */
  logTail(): string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Cluster {
  env: Record<string, string>;
  apps: Record<AppName, RunningApp>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..', '..');
const DEFAULT_PORTS: Record<AppName, number> = { gateway: 3000, 'sync-service': 3001, 'recon-service': 3002, 'qbo-sandbox': 4010 };
const SERVICES_WITH_MIGRATIONS: AppName[] = ['sync-service', 'recon-service', 'gateway'];

/** Where an app's built entry point is (`nx build <app>` puts it there). */
export function appEntry(name: AppName): string {
  return resolve(ROOT, 'dist', 'apps', name, 'main.js');
}

/**
 * How to run an app (with `args`, e.g. `migrate`): its build, or — with `ARBITER_APPS_FROM=source`, for suites that
 * should not need a build — its `src/main.ts` through @swc-node/register with the workspace's path mapping.
 * @throws Error when the build is asked for and does not exist.
 */
export function appCommand(name: AppName, args: string[] = [], env: NodeJS.ProcessEnv = process.env): { argv: string[]; env: Record<string, string> } {
  if (env['ARBITER_APPS_FROM'] === 'source') {
    return {
      argv: ['--enable-source-maps', '-r', '@swc-node/register', resolve(ROOT, 'apps', name, 'src', 'main.ts'), ...args],
      env: { SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.base.json') },
    };
  }
  const entry = appEntry(name);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build it first (npx nx build ${name})`);
  return { argv: ['--enable-source-maps', entry, ...args], env: {} };
}

async function portFor(name: AppName, preferDefaults: boolean): Promise<number> {
  if (!preferDefaults) return freePort();
  const { createServer } = await import('node:net');
  const free = await new Promise<boolean>((res) => {
    const s = createServer().once('error', () => res(false));
    s.listen(DEFAULT_PORTS[name], '127.0.0.1', () => s.close(() => res(true)));
  });
  return free ? DEFAULT_PORTS[name] : freePort();
}

/** Spawns one built app with the given environment and waits until its /health answers 200. */
export async function startApp(name: AppName, env: Record<string, string>, port: number, options: { log?: (line: string) => void } = {}): Promise<RunningApp> {
  const command = appCommand(name);
  const child = spawn(process.execPath, command.argv, {
    cwd: ROOT,
    env: { ...process.env, ...command.env, ...env, PORT: String(port), NODE_ENV: env['NODE_ENV'] ?? 'production', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 200) tail.shift();
      options.log?.(`[${name}] ${line}`);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start:\n${tail.slice(-20).join('\n')}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not healthy within 60 s:\n${tail.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    name,
    url,
    port,
    process: child,
    logTail: () => [...tail],
    stop: (signal = 'SIGTERM') =>
      new Promise((res) => {
        if (child.exitCode !== null) return res(child.exitCode);
        child.once('exit', (code) => res(code));
        child.kill(signal);
        setTimeout(() => child.kill('SIGKILL'), 25_000).unref();
      }),
  };
}

/** Applies a service's migrations with its own entry point (`main.js migrate`), as the k8s Job does. */
export function migrate(name: AppName, env: Record<string, string>): void {
  const command = appCommand(name, ['migrate']);
  const run = spawnSync(process.execPath, command.argv, { cwd: ROOT, env: { ...process.env, ...command.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${name} migrate failed:\n${run.stderr}\n${run.stdout}`);
}

/**
 * The whole cluster on one machine: the QuickBooks sandbox and the three services, on one database
 * (each service in its own schema), wired to the given infrastructure. Secrets are generated per run.
 */
export async function startCluster(
  infra: Infra,
  options: { preferDefaultPorts?: boolean; database?: string; env?: Record<string, string>; log?: (line: string) => void } = {},
): Promise<Cluster> {
  const preferDefaults = options.preferDefaultPorts ?? false;
  const databaseUrl = infra.kind.postgres === 'given' ? infra.databaseUrl : await createDatabase(infra.databaseUrl, options.database ?? `arbiter_${randomBytes(4).toString('hex')}`);
  const ports = {} as Record<AppName, number>;
  for (const name of ['qbo-sandbox', 'sync-service', 'recon-service', 'gateway'] as AppName[]) ports[name] = await portFor(name, preferDefaults);
  const sandboxUrl = `http://127.0.0.1:${ports['qbo-sandbox']}`;
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    QBO_API_BASE_URL: sandboxUrl,
    QBO_OAUTH_BASE_URL: sandboxUrl,
    QBO_SANDBOX_URL: sandboxUrl,
    QBO_SANDBOX_PORT: String(ports['qbo-sandbox']),
    QBO_CLIENT_ID: `arbiter-local-${randomBytes(4).toString('hex')}`,
    QBO_CLIENT_SECRET: randomBytes(24).toString('base64url'),
    QBO_REDIRECT_URI: `${gatewayUrl}/oauth/quickbooks/callback`,
    QBO_WEBHOOK_URL: `${gatewayUrl}/webhooks/quickbooks`,
    QBO_WEBHOOK_VERIFIER_TOKEN: randomBytes(24).toString('base64url'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SYNC_SERVICE_URL: `http://127.0.0.1:${ports['sync-service']}`,
    RECON_SERVICE_URL: `http://127.0.0.1:${ports['recon-service']}`,
    GATEWAY_URL: gatewayUrl,
    ...options.env,
  };

  const apps = {} as Record<AppName, RunningApp>;
  const stopAll = async () => {
    // Reverse start order: the gateway stops taking requests first, the sandbox goes last.
    for (const name of ['gateway', 'recon-service', 'sync-service', 'qbo-sandbox'] as AppName[]) await apps[name]?.stop();
  };
  try {
    for (const name of SERVICES_WITH_MIGRATIONS) migrate(name, env);
    apps['qbo-sandbox'] = await startApp('qbo-sandbox', env, ports['qbo-sandbox'], { log: options.log });
    const [sync, recon] = await Promise.all([
      startApp('sync-service', env, ports['sync-service'], { log: options.log }),
      startApp('recon-service', env, ports['recon-service'], { log: options.log }),
    ]);
    apps['sync-service'] = sync;
    apps['recon-service'] = recon;
    apps.gateway = await startApp('gateway', env, ports.gateway, { log: options.log });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { env, apps, stop: stopAll };
}

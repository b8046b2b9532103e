/**
 * The local cluster on embedded defaults (or DATABASE_URL / KAFKA_BROKERS when given), shared by `npm run stack`
 * and `npm run demo`: PostgreSQL and the Kafka-protocol broker (libs/dev-infra), the QuickBooks sandbox and the
 * three services from their builds (dist/apps; from source with ARBITER_APPS_FROM=source), API keys per role for two tenants, and tenant TENANT_ID connected
 * to the sandbox company through the real OAuth flow, as an admin would do it: the gateway's authorize endpoint
 * (intuit-oauth builds the consent URL) → the sandbox's consent page → the gateway's OAuth callback.
 */
import { TopicSpecs } from '@arbiter/contracts';
import { appCommand, provideInfra, startCluster, type Cluster, type Infra } from '@arbiter/dev-infra';
import { spawn } from 'node:child_process';

export const LOCAL_TENANT_ID = 'acme';
export const OTHER_TENANT_ID = 'globex';

export interface LocalStack {
  infra: Infra;
  cluster: Cluster;
  /** What `npm run stack` prints: URLs, keys, OAuth settings (CONTRACT.md §5). */
  lines: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Progress messages of the launcher. */
  log: (message: string) => void;
  /** Every line the apps write (JSON logs); dropped when absent. */
  appLog?: (line: string) => void;
  /** gateway 3000, sync 3001, recon 3002, sandbox 4010 when free; otherwise free ports. */
  preferDefaultPorts?: boolean;
  /** Extra environment for every app. */
  env?: Record<string, string>;
}

/** Starts everything; on failure stops what it started and rethrows. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log;
  const infra = await provideInfra({ topics: TopicSpecs.map((t) => ({ name: t.name, partitions: t.partitions })), log });
  let cluster: Cluster | null = null;
  try {
    cluster = await startCluster(infra, {
      preferDefaultPorts: options.preferDefaultPorts ?? true,
      database: 'arbiter',
      env: { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '500', KAFKA_MAX_WAIT_TIME_MS: '100', ...options.env },
      log: options.appLog,
    });
    log(`apps healthy: gateway ${cluster.apps.gateway.url}, sandbox ${cluster.apps['qbo-sandbox'].url}`);
    const tenants = await bootstrapLocalTenants(cluster);
    log(`tenant ${LOCAL_TENANT_ID} connected to QuickBooks company ${tenants['QBO_REALM_ID']} through the OAuth flow`);
    const running = cluster;
    const lines: Record<string, string> = {
      DATABASE_URL: running.env['DATABASE_URL'],
      KAFKA_BROKERS: running.env['KAFKA_BROKERS'],
      GATEWAY_URL: running.apps.gateway.url,
      SYNC_SERVICE_URL: running.apps['sync-service'].url,
      RECON_SERVICE_URL: running.apps['recon-service'].url,
      QBO_SANDBOX_URL: running.apps['qbo-sandbox'].url,
      ...tenants,
      QBO_CLIENT_ID: running.env['QBO_CLIENT_ID'],
      QBO_CLIENT_SECRET: running.env['QBO_CLIENT_SECRET'],
      QBO_REDIRECT_URI: running.env['QBO_REDIRECT_URI'],
      QBO_WEBHOOK_VERIFIER_TOKEN: running.env['QBO_WEBHOOK_VERIFIER_TOKEN'],
    };
    return {
      infra,
      cluster: running,
      lines,
      stop: async () => {
        await running.stop();
        await infra.stop();
      },
    };
  } catch (error) {
    await cluster?.stop();
    await infra.stop();
    throw error;
  }
}

/**
 * API keys per role for TENANT_ID and an admin key for OTHER_TENANT_ID (through the gateway's CLI, as an
 * operator bootstraps the first key), then TENANT_ID's QuickBooks connection through the gateway.
 */
async function bootstrapLocalTenants(cluster: Cluster): Promise<Record<string, string>> {
  // One after the other: each creation appends to the tenant's hash-chained audit log.
  const admin = await createApiKey(cluster, LOCAL_TENANT_ID, 'admin');
  const controller = await createApiKey(cluster, LOCAL_TENANT_ID, 'controller');
  const auditor = await createApiKey(cluster, LOCAL_TENANT_ID, 'auditor');
  const otherAdmin = await createApiKey(cluster, OTHER_TENANT_ID, 'admin');
  const realmId = await connectThroughOAuth(cluster.apps.gateway.url, admin);
  return {
    QBO_REALM_ID: realmId,
    TENANT_ID: LOCAL_TENANT_ID,
    ADMIN_API_KEY: admin,
    CONTROLLER_API_KEY: controller,
    AUDITOR_API_KEY: auditor,
    OTHER_TENANT_ID,
    OTHER_TENANT_ADMIN_API_KEY: otherAdmin,
  };
}

function createApiKey(cluster: Cluster, tenant: string, role: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const command = appCommand('gateway', ['api-key', 'create', '--tenant', tenant, '--role', role, '--name', `local ${role}`]);
    const child = spawn(process.execPath, command.argv, {
      env: { ...process.env, ...command.env, ...cluster.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`creating the ${role} key for ${tenant} failed (exit ${code}): ${err.trim()}`))));
  });
}

/**
 * What an admin's browser does: GET the gateway's authorize endpoint (302 to the consent page), the sandbox
 * consents (302 to the gateway's callback with code, state and realmId), the callback exchanges the code.
 * @throws Error naming the step that did not answer as expected.
 */
export async function connectThroughOAuth(gatewayUrl: string, adminKey: string): Promise<string> {
  const authorize = await fetch(`${gatewayUrl}/api/v1/connections/quickbooks/authorize`, { redirect: 'manual', headers: { authorization: `Bearer ${adminKey}` } });
  const consentUrl = authorize.headers.get('location');
  if (authorize.status !== 302 || !consentUrl) throw new Error(`the gateway's authorize endpoint answered ${authorize.status}: ${await authorize.text()}`);
  const consent = await fetch(consentUrl, { redirect: 'manual' });
  const callbackUrl = consent.headers.get('location');
  if (consent.status !== 302 || !callbackUrl) throw new Error(`the sandbox consent page did not redirect (${consent.status}): ${await consent.text()}`);
  const callback = await fetch(callbackUrl, { headers: { accept: 'application/json' } });
  const body = (await callback.json().catch(() => ({}))) as { state?: string; realmId?: string };
  if (callback.status !== 200 || body.state !== 'connected' || !body.realmId) throw new Error(`the gateway's OAuth callback answered ${callback.status}: ${JSON.stringify(body)}`);
  return body.realmId;
}

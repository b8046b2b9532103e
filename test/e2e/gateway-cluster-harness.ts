import { freePort } from '@arbiter/dev-infra';
import { TokenCipher } from '@arbiter/qbo-client';
import { createHash, randomBytes } from 'node:crypto';
import { runFromSource, waitForHealthy, type SourceApp } from './run-from-source';
import { SyncHarness } from './sync-harness';

export type Role = 'admin' | 'controller' | 'auditor';

export interface GatewayAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  bytes: Buffer;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The whole cluster as real processes on one fresh database: the QuickBooks sandbox, the sync-service, the
 * recon-service and the gateway, wired with an INTERNAL_API_TOKEN. The gateway's first keys come from its own
 * CLI (`main.ts api-key create`, as an operator bootstraps a tenant); the rest through its admin API.
 */
export class GatewayClusterHarness extends SyncHarness {
  recon!: SourceApp;
  gateway!: SourceApp;
  reconUrl = '';
  gatewayUrl = '';
  readonly otherTenantId = `o${randomBytes(4).toString('hex')}`;
  readonly internalToken = randomBytes(24).toString('base64url');
  /** Keys of `tenantId` by role, and an admin key of `otherTenantId`. */
  readonly keys = {} as Record<Role | 'otherAdmin', string>;

  override async start(): Promise<void> {
    const [reconPort, gatewayPort] = [await freePort(), await freePort()];
    this.reconUrl = `http://127.0.0.1:${reconPort}`;
    this.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const shared = {
      QBO_REDIRECT_URI: `${this.gatewayUrl}/oauth/quickbooks/callback`,
      QBO_WEBHOOK_VERIFIER_TOKEN: randomBytes(16).toString('hex'),
      INTERNAL_API_TOKEN: this.internalToken,
    };
    await super.start({}, shared);
    const common = { ...this.env, DATABASE_URL: this.db.url, KAFKA_BROKERS: this.kafkaBrokers.join(','), LOG_LEVEL: 'warn' };
    const reconEnv = { ...common, PORT: String(reconPort), QBO_API_BASE_URL: this.sandboxUrl, QBO_OAUTH_BASE_URL: this.sandboxUrl, RECON_POLL_INTERVAL_MS: '200', RECON_RETRY_BASE_MS: '200' };
    const gatewayEnv = {
      ...common, PORT: String(gatewayPort), HOST: '127.0.0.1', SYNC_SERVICE_URL: this.syncUrl, RECON_SERVICE_URL: this.reconUrl,
      QBO_OAUTH_BASE_URL: this.sandboxUrl, RATE_LIMIT_PER_MINUTE: '100000',
    };
    await Promise.all([migrate('recon-service', reconEnv), migrate('gateway', gatewayEnv)]);
    this.recon = runFromSource('recon-service', reconEnv);
    this.gateway = runFromSource('gateway', gatewayEnv);
    await Promise.all([waitForHealthy(this.reconUrl, this.recon), waitForHealthy(this.gatewayUrl, this.gateway)]);
    [this.keys.admin, this.keys.otherAdmin] = await Promise.all([cliKey(gatewayEnv, this.tenantId), cliKey(gatewayEnv, this.otherTenantId)]);
    for (const role of ['controller', 'auditor'] as const) {
      const created = await this.api<{ key: string }>('POST', '/api/v1/api-keys', 'admin', { role, name: `e2e ${role}` });
      if (created.status !== 201) throw new Error(`creating the ${role} key answered ${created.status}`);
      this.keys[role] = created.body.key;
    }
  }

  override async stop(): Promise<void> {
    for (const app of [this.gateway, this.recon]) {
      if (app && app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    }
    await super.stop();
  }

  /** A call to the gateway's public API with one of the keys (or a raw key), as a client makes it. */
  async api<T = Record<string, unknown>>(method: string, path: string, as: Role | 'otherAdmin' | { key: string }, body?: unknown): Promise<GatewayAnswer<T>> {
    const key = typeof as === 'string' ? this.keys[as] : as.key;
    const res = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const json = /json/.test(res.headers.get('content-type') ?? '') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined;
    return { status: res.status, headers: res.headers, body: json as T, bytes };
  }

  /** The access and refresh tokens the sync-service holds for the realm, opened with the cluster's key (to check revocation at the sandbox). */
  async heldTokens(): Promise<{ accessToken: string; refreshToken: string }> {
    const { rows } = await this.pg.query<{ access_token_sealed: string; refresh_token_sealed: string }>(
      'select access_token_sealed, refresh_token_sealed from sync.qbo_connection where realm_id = $1',
      [this.realmId],
    );
    const cipher = TokenCipher.fromBase64(this.env['TOKEN_ENCRYPTION_KEY']);
    return {
      accessToken: cipher.decrypt(rows[0].access_token_sealed, `qbo_connection:${this.realmId}:access_token`),
      refreshToken: cipher.decrypt(rows[0].refresh_token_sealed, `qbo_connection:${this.realmId}:refresh_token`),
    };
  }

  override logTail(): string {
    const tail = (name: string, app: SourceApp | undefined) => `--- ${name} ---\n${(app?.lines ?? []).slice(-15).join('\n')}`;
    return [tail('sync', this.sync), tail('recon', this.recon), tail('gateway', this.gateway)].join('\n');
  }
}

async function migrate(app: string, env: Record<string, string>): Promise<void> {
  const run = runFromSource(app, env, ['migrate']);
  if ((await run.exited) !== 0) throw new Error(`${app} migrate failed:\n${run.lines.join('\n')}`);
}

/** `main.ts api-key create --json` of the gateway: the operator's bootstrap path for a tenant's first key. */
async function cliKey(env: Record<string, string>, tenantId: string): Promise<string> {
  const run = runFromSource('gateway', env, ['api-key', 'create', '--tenant', tenantId, '--role', 'admin', '--name', 'e2e bootstrap', '--json']);
  const code = await run.exited;
  const line = run.lines.find((l) => l.includes('"key"'));
  if (code !== 0 || !line) throw new Error(`api-key create for ${tenantId} failed (${code}):\n${run.lines.join('\n')}`);
  const created = JSON.parse(line) as { key: string; tenantId: string; role: string };
  if (created.tenantId !== tenantId || created.role !== 'admin') throw new Error(`api-key create answered ${line}`);
  return created.key;
}

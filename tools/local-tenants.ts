import { appEntry, type Cluster } from '@arbiter/dev-infra';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const LOCAL_TENANT_ID = 'acme';
export const OTHER_TENANT_ID = 'globex';

/**
 * Sets up the two local tenants the stack advertises: TENANT_ID connected to a sandbox company through the
 * real OAuth flow (authorize → consent → callback → code exchange with intuit-oauth), and OTHER_TENANT_ID,
 * not connected, for isolation checks.
 */
export async function bootstrapLocalTenants(cluster: Cluster): Promise<Record<string, string>> {
  const sync = `${cluster.apps['sync-service'].url}/internal/v1/tenants/${LOCAL_TENANT_ID}`;
  const state = randomBytes(24).toString('base64url');
  const post = async <T>(url: string, body: unknown): Promise<T> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-arbiter-actor': 'local-stack' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { url } = await post<{ url: string }>(`${sync}/connection/authorize-url`, { state });
  const consent = await fetch(url, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || !callback) throw new Error(`the sandbox consent page did not redirect (${consent.status})`);
  const { realmId } = await post<{ realmId: string }>(`${sync}/connection/exchange`, { callbackUrl: callback, state });
  const key = (tenant: string, role: string) => {
    const run = spawnSync(process.execPath, [appEntry('gateway'), 'api-key', 'create', '--tenant', tenant, '--role', role, '--name', `local ${role}`], {
      env: { ...process.env, ...cluster.env },
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`creating the ${role} key for ${tenant} failed: ${run.stderr}`);
    return run.stdout.trim();
  };
  return {
    QBO_REALM_ID: realmId,
    TENANT_ID: LOCAL_TENANT_ID,
    ADMIN_API_KEY: key(LOCAL_TENANT_ID, 'admin'),
    CONTROLLER_API_KEY: key(LOCAL_TENANT_ID, 'controller'),
    AUDITOR_API_KEY: key(LOCAL_TENANT_ID, 'auditor'),
    OTHER_TENANT_ID,
    OTHER_TENANT_ADMIN_API_KEY: key(OTHER_TENANT_ID, 'admin'),
  };
}

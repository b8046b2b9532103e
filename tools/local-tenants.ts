import type { Cluster } from '@arbiter/dev-infra';
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
  return { QBO_REALM_ID: realmId, TENANT_ID: LOCAL_TENANT_ID, OTHER_TENANT_ID };
}

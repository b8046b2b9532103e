import type { Cluster } from '@arbiter/dev-infra';

/**
 * Sets up the two local tenants the stack advertises: TENANT_ID with a sandbox realm, and
 * OTHER_TENANT_ID for isolation checks. Grows with the gateway (API keys, OAuth connection).
 */
export async function bootstrapLocalTenants(cluster: Cluster): Promise<Record<string, string>> {
  const sandbox = cluster.apps['qbo-sandbox'].url;
  const res = await fetch(`${sandbox}/__sandbox/companies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ companyName: 'Acme Receivables (local)' }),
  });
  if (!res.ok) throw new Error(`creating the sandbox company failed: ${res.status} ${await res.text()}`);
  const company = (await res.json()) as { realmId: string };
  return { QBO_REALM_ID: company.realmId, TENANT_ID: 'acme', OTHER_TENANT_ID: 'globex' };
}

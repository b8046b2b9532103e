import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { appendAuditEvents, type AuditActor } from '../audit/audit-log';
import type { Principal, Role } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-error';
import { decodeCursor, type Page, pageOf } from '../http/cursor';
import { inTransaction, type Sql, sqlOf, Where } from '../sql';
import { hashKey, looksLikeKey, newKeyMaterial } from './api-key-material';

export interface ApiKeyView {
  id: string;
  tenantId: string;
  role: Role;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
}

/** Shown once, at creation: the only time the key itself exists outside the caller's hands. */
export type CreatedApiKey = ApiKeyView & { key: string };

type KeyRow = {
  id: string;
  tenant_id: string;
  role: Role;
  name: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
};

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const viewOf = (r: KeyRow): ApiKeyView => ({
  id: r.id,
  tenantId: r.tenant_id,
  role: r.role,
  name: r.name,
  createdAt: new Date(r.created_at).toISOString(),
  createdBy: r.created_by,
  revokedAt: iso(r.revoked_at),
  revokedBy: r.revoked_by,
  lastUsedAt: iso(r.last_used_at),
});

/**
 * Creates a key inside the caller's transaction and records it in the tenant's audit chain (never the key).
 * Shared by the API, the CLI and the end-to-end suites.
 */
export async function insertApiKey(sql: Sql, input: { tenantId: string; role: Role; name: string }, actor: AuditActor): Promise<CreatedApiKey> {
  const material = newKeyMaterial();
  const [row] = await sql<KeyRow>(
    `insert into api_key (id, tenant_id, role, name, key_hash, created_by) values (?, ?, ?, ?, ?, ?) returning *`,
    [material.id, input.tenantId, input.role, input.name, material.hash, actor.keyId],
  );
  const view = viewOf(row);
  await appendAuditEvents(sql, actor, [{ action: 'api_key.created', targetType: 'api_key', targetId: view.id, after: view, outcome: 'ok' }]);
  return { ...view, key: material.key };
}

/** API keys: one tenant and one role each; stored as SHA-256 digests; created and revoked by admins. */
@Injectable()
export class ApiKeys {
  private readonly logger = new Logger(ApiKeys.name);
  /** digest → principal, for API_KEY_CACHE_TTL_MS; unknown keys are not cached, so a new key works at once. */
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly em: EntityManager,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * The principal of a presented key, or null when it is malformed, unknown or revoked. The lookup is by
   * digest; comparing digests of 256-bit secrets leaks nothing useful through timing.
   */
  async resolve(presented: string): Promise<Principal | null> {
    if (!looksLikeKey(presented)) return null;
    const digest = hashKey(presented);
    const now = Date.now();
    const hit = this.cache.get(digest);
    if (hit && hit.until > now) return hit.principal;
    // One statement: find, and note the use (at most once per cache period per key and replica).
    const [row] = await sqlOf(this.em)<{ id: string; tenant_id: string; role: Role }>(
      `update api_key set last_used_at = now() where key_hash = ? and revoked_at is null returning id, tenant_id, role`,
      [digest],
    );
    if (!row) {
      this.cache.delete(digest);
      return null;
    }
    const principal: Principal = { keyId: row.id, tenantId: row.tenant_id, role: row.role };
    if (this.config.API_KEY_CACHE_TTL_MS > 0) {
      if (this.cache.size >= 10_000) this.cache.clear(); // bounded; a refill costs one indexed lookup per key
      this.cache.set(digest, { principal, until: now + this.config.API_KEY_CACHE_TTL_MS });
    }
    return principal;
  }

  async create(caller: Principal, input: { role: Role; name: string }): Promise<CreatedApiKey> {
    const created = await inTransaction(this.em, (sql) => insertApiKey(sql, { tenantId: caller.tenantId, ...input }, caller));
    this.logger.log(`api key created id=${created.id} tenant=${created.tenantId} role=${created.role} by=${caller.keyId}`);
    return created;
  }

  async list(tenantId: string, q: { limit: number; cursor?: string; state: 'active' | 'revoked' | 'all' }): Promise<Page<ApiKeyView>> {
    const after = decodeCursor(q.cursor, ['string', 'string']);
    const where = new Where('tenant_id = ?', tenantId);
    if (q.state === 'active') where.and('revoked_at is null');
    if (q.state === 'revoked') where.and('revoked_at is not null');
    if (after) where.and('(created_at, id) < (?::timestamptz, ?)', after[0], after[1]);
    const rows = await sqlOf(this.em)<KeyRow & { cursor_at: string }>(
      `select *, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at from api_key where ${where} order by created_at desc, id desc limit ?`,
      [...where.params, q.limit + 1],
    );
    return pageOf(rows, q.limit, viewOf, (r) => [r.cursor_at, r.id]);
  }

  /**
   * Revokes a key of the caller's tenant; idempotent (a second revoke answers the first one's time).
   * @throws GatewayError NOT_FOUND for an unknown id or another tenant's key (indistinguishable).
   */
  async revoke(caller: Principal, id: string): Promise<ApiKeyView> {
    const view = await inTransaction(this.em, async (sql) => {
      const [before] = await sql<KeyRow>(`select * from api_key where id = ? and tenant_id = ? for update`, [id, caller.tenantId]);
      if (!before) throw new GatewayError('NOT_FOUND', 'no such API key');
      if (before.revoked_at) return viewOf(before);
      const [after] = await sql<KeyRow>(`update api_key set revoked_at = now(), revoked_by = ? where id = ? returning *`, [caller.keyId, id]);
      await appendAuditEvents(sql, caller, [{ action: 'api_key.revoked', targetType: 'api_key', targetId: id, before: viewOf(before), after: viewOf(after), outcome: 'ok' }]);
      return viewOf(after);
    });
    for (const [digest, entry] of this.cache) if (entry.principal.keyId === id) this.cache.delete(digest);
    this.logger.log(`api key revoked id=${id} tenant=${caller.tenantId} by=${caller.keyId}`);
    return view;
  }

  /** Tenants with at least one active key: the tenants the per-tenant gauges are filled for. */
  async activeTenants(): Promise<string[]> {
    const rows = await sqlOf(this.em)<{ tenant_id: string }>(`select distinct tenant_id from api_key where revoked_at is null order by tenant_id limit 1000`);
    return rows.map((r) => r.tenant_id);
  }
}

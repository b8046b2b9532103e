import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuditLog } from '../audit/audit-log';
import type { Principal, Role } from '../auth/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError, UpstreamProblem } from '../gateway-error';
import { sqlOf } from '../sql';
import { type ServiceClient, SYNC_SERVICE } from '../upstream/service-client';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'error';

export interface ConnectionStatus {
  state: ConnectionState;
  realmId?: string;
  connectedAt?: string;
  lastError?: string;
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  realmId?: string;
  error?: string;
  error_description?: string;
}

const digest = (state: string): string => createHash('sha256').update(state, 'utf8').digest('hex');

/**
 * The QuickBooks connection as the gateway sees it. The gateway mints the OAuth CSRF `state` (only its
 * SHA-256 is stored, bound to tenant, key and expiry, usable once) and relays the callback to the
 * sync-service, which exchanges the code and keeps the tokens, sealed. Nothing secret is stored here.
 */
@Injectable()
export class QuickBooksConnection {
  private readonly logger = new Logger(QuickBooksConnection.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(SYNC_SERVICE) private readonly sync: ServiceClient,
    private readonly audit: AuditLog,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** `connecting` while a consent is outstanding; `error` with the reason when the last attempt failed. */
  async status(caller: Principal): Promise<ConnectionStatus> {
    const upstream = await this.sync.json<ConnectionStatus>({ method: 'GET', tenantId: caller.tenantId, path: ['connection'], actor: caller });
    const status: ConnectionStatus = {
      state: upstream.state,
      ...(upstream.realmId ? { realmId: upstream.realmId } : {}),
      ...(upstream.connectedAt ? { connectedAt: upstream.connectedAt } : {}),
      ...(upstream.lastError ? { lastError: upstream.lastError } : {}),
    };
    if (status.state === 'connected' || status.state === 'error') return status;
    const [latest] = await sqlOf(this.em)<{ pending: boolean; outcome: string | null; error: string | null }>(
      `select (used_at is null and expires_at > now()) as pending, outcome, error from oauth_state where tenant_id = ? order by created_at desc limit 1`,
      [caller.tenantId],
    );
    if (latest?.pending) return { ...status, state: 'connecting' };
    if (latest?.outcome === 'error') return { ...status, state: 'error', lastError: latest.error ?? 'the last connection attempt failed' };
    return status;
  }

  /** Mints a single-use state and answers Intuit's (or the sandbox's) consent URL carrying it. */
  async authorize(caller: Principal): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    const { url } = await this.sync.json<{ url: string }>({ method: 'POST', tenantId: caller.tenantId, path: ['connection', 'authorize-url'], body: { state }, actor: caller });
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new GatewayError('UPSTREAM_UNAVAILABLE', 'sync-service gave no consent URL');
    await sqlOf(this.em)(
      `insert into oauth_state (state_hash, tenant_id, key_id, role, expires_at) values (?, ?, ?, ?, now() + make_interval(secs => ?))`,
      [digest(state), caller.tenantId, caller.keyId, caller.role, this.config.OAUTH_STATE_TTL_SECONDS],
    );
    await this.audit.append(caller, { action: 'connection.authorize_started', targetType: 'connection', targetId: caller.tenantId, outcome: 'ok' });
    return url;
  }

  /**
   * The OAuth redirect: the state names the tenant and the admin who started; it is consumed whatever happens next.
   * @throws GatewayError INVALID_OAUTH_STATE (unknown, expired, used), OAUTH_DENIED (the user declined); upstream errors relayed.
   */
  async callback(query: CallbackQuery, rawQuery: string): Promise<{ tenantId: string; realmId: string }> {
    const state = query.state;
    if (!state) throw new GatewayError('INVALID_OAUTH_STATE', 'the callback carries no state');
    const [bound] = await sqlOf(this.em)<{ tenant_id: string; key_id: string; role: Role }>(
      `update oauth_state set used_at = now() where state_hash = ? and used_at is null and expires_at > now() returning tenant_id, key_id, role`,
      [digest(state)],
    );
    if (!bound) throw new GatewayError('INVALID_OAUTH_STATE', 'the state is unknown, expired or already used; start again from the authorize endpoint');
    const actor: Principal = { tenantId: bound.tenant_id, keyId: bound.key_id, role: bound.role };
    const settle = (outcome: 'connected' | 'error', error: string | null) =>
      sqlOf(this.em)(`update oauth_state set outcome = ?, error = ? where state_hash = ?`, [outcome, error?.slice(0, 500) ?? null, digest(state)]);

    if (query.error || !query.code) {
      const reason = query.error ? `QuickBooks answered ${query.error.slice(0, 64)}` : 'the callback carries no authorization code';
      await settle('error', reason);
      await this.audit.append(actor, { action: 'connection.connected', targetType: 'connection', targetId: actor.tenantId, outcome: 'failed:OAUTH_DENIED', after: { reason } });
      throw new GatewayError('OAUTH_DENIED', reason);
    }
    // Relayed as received on the configured redirect URI: the Host header plays no part in it.
    const callbackUrl = `${this.config.QBO_REDIRECT_URI}?${rawQuery}`;
    try {
      const { realmId } = await this.audit.recorded(
        actor,
        { action: 'connection.connected', targetType: 'connection', targetId: actor.tenantId, request: { realmId: query.realmId ?? null } },
        () => this.sync.json<{ realmId: string }>({ method: 'POST', tenantId: actor.tenantId, path: ['connection', 'exchange'], body: { callbackUrl, state }, actor }),
      );
      await settle('connected', null);
      this.logger.log(`quickbooks connected tenant=${actor.tenantId} realmId=${realmId} by=${actor.keyId}`);
      return { tenantId: actor.tenantId, realmId };
    } catch (error) {
      const reason = error instanceof UpstreamProblem ? error.problem.detail : error instanceof GatewayError ? error.detail : 'the code exchange failed';
      await settle('error', reason);
      throw error;
    }
  }

  /** Revokes the tokens at Intuit and disconnects (sync-service); outstanding consents are withdrawn. */
  async disconnect(caller: Principal): Promise<unknown> {
    const before = await this.status(caller).catch(() => null);
    const result = await this.audit.recorded(caller, { action: 'connection.disconnected', targetType: 'connection', targetId: caller.tenantId, before }, () =>
      this.sync.json({ method: 'DELETE', tenantId: caller.tenantId, path: ['connection'], actor: caller }),
    );
    await sqlOf(this.em)(
      `update oauth_state set used_at = coalesce(used_at, now()), outcome = 'withdrawn' where tenant_id = ? and (used_at is null or outcome = 'error')`,
      [caller.tenantId],
    );
    return result;
  }
}

import {
  PgRealmBudget,
  PgTokenStore,
  QboClient,
  QboTokenManager,
  RealmRateLimiter,
  TokenCipher,
  type QboCompany,
} from '@arbiter/qbo-client';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { SYNC_CONFIG, type SyncConfig } from '../config';

/** Thrown when a tenant has no usable QuickBooks connection; the push turns it into a `not_connected` problem. */
export class TenantNotConnectedError extends Error {
  constructor(readonly tenantId: string, readonly state: string, readonly lastError?: string | null) {
    super(`tenant ${tenantId} is not connected to QuickBooks (state ${state}${lastError ? `: ${lastError}` : ''})`);
    this.name = 'TenantNotConnectedError';
  }
}

/**
 * The QuickBooks client of this process: tokens sealed in PostgreSQL (shared by replicas, single refresh per
 * realm), the per-realm request budget shared through PostgreSQL so replicas together stay under 500/min
 * and 10 in flight, and the tenant → realm map.
 */
@Injectable()
export class QboAccess implements OnApplicationShutdown {
  private readonly logger = new Logger(QboAccess.name);
  readonly pool: Pool;
  readonly tokens: QboTokenManager;
  readonly client: QboClient;
  private readonly realmCache = new Map<string, { realmId: string; at: number }>();

  constructor(@Inject(SYNC_CONFIG) private readonly config: SyncConfig) {
    this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 6 });
    const schema = config.DATABASE_SCHEMA;
    const store = new PgTokenStore({ pool: this.pool, cipher: TokenCipher.fromBase64(config.TOKEN_ENCRYPTION_KEY), schema });
    this.tokens = new QboTokenManager({
      store,
      oauth: {
        clientId: config.QBO_CLIENT_ID,
        clientSecret: config.QBO_CLIENT_SECRET,
        redirectUri: config.QBO_REDIRECT_URI ?? 'http://127.0.0.1:3000/oauth/quickbooks/callback',
        environment: 'production',
        oauthBaseUrl: config.QBO_OAUTH_BASE_URL,
      },
      logger: this.logger,
    });
    const budget = new PgRealmBudget({
      pool: this.pool,
      schema,
      limits: { maxRequestsPerWindow: config.QBO_REQUESTS_PER_MINUTE, maxInFlight: config.QBO_MAX_IN_FLIGHT, batchCountsItems: config.QBO_LIMIT_BATCH_COUNTS_ITEMS },
    });
    this.client = new QboClient({ apiBaseUrl: config.QBO_API_BASE_URL, tokens: this.tokens, limiter: new RealmRateLimiter({ budget, logger: this.logger }), logger: this.logger });
  }

  /** The tenant's QuickBooks company, or TenantNotConnectedError. The map is cached for 5 s. */
  async companyFor(tenantId: string): Promise<{ realmId: string; company: QboCompany }> {
    const cached = this.realmCache.get(tenantId);
    if (cached && Date.now() - cached.at < 5_000) return { realmId: cached.realmId, company: this.client.company(cached.realmId) };
    const { rows } = await this.pool.query<{ realm_id: string | null; state: string; last_error: string | null }>(
      `select realm_id, state, last_error from "${this.config.DATABASE_SCHEMA}".tenant_connection where tenant_id = $1`,
      [tenantId],
    );
    const row = rows[0];
    if (!row || row.state !== 'connected' || !row.realm_id) throw new TenantNotConnectedError(tenantId, row?.state ?? 'disconnected', row?.last_error);
    this.realmCache.set(tenantId, { realmId: row.realm_id, at: Date.now() });
    return { realmId: row.realm_id, company: this.client.company(row.realm_id) };
  }

  forgetTenant(tenantId: string): void {
    this.realmCache.delete(tenantId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
    await this.pool.end();
  }
}

import {
  PgRealmBudget,
  PgTokenStore,
  QboClient,
  type QboCompany,
  QboTokenManager,
  RealmRateLimiter,
  TokenCipher,
} from '@arbiter/qbo-client';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RECON_CONFIG, type ReconConfig } from '../config';
import { ReconDatabase } from '../database';
import { ReconError } from '../errors';

/** What a run reads from QuickBooks: paged queries, counts and the A/R aging report. `QboCompany` is one. */
export type QboReader = Pick<QboCompany, 'realmId' | 'query' | 'count' | 'agedReceivables'>;

/** The tenant → QuickBooks company map; tests replace it with an in-memory company. */
export interface QboCompanies {
  /** @throws ReconError TENANT_NOT_CONNECTED */
  companyFor(tenantId: string): Promise<QboReader>;
}
export const QBO_COMPANIES = Symbol('QBO_COMPANIES');

/**
 * QuickBooks as the sync-service connected it: the tenant's realm from `tenant_connection`, tokens from the shared
 * PgTokenStore (one refresh per realm across every replica of both services) and the per-realm request budget
 * shared through PostgreSQL, so reconciliation and sync together stay under QuickBooks' limits.
 */
@Injectable()
export class PgQboCompanies implements QboCompanies, OnApplicationShutdown {
  private readonly logger = new Logger(PgQboCompanies.name);
  private readonly client: QboClient;

  constructor(
    @Inject(RECON_CONFIG) private readonly config: ReconConfig,
    private readonly db: ReconDatabase,
  ) {
    const schema = config.SYNC_DATABASE_SCHEMA;
    const store = new PgTokenStore({ pool: db.pool, cipher: TokenCipher.fromBase64(config.TOKEN_ENCRYPTION_KEY), schema });
    const tokens = new QboTokenManager({
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
      pool: db.pool,
      schema,
      limits: { maxRequestsPerWindow: config.QBO_REQUESTS_PER_MINUTE, maxInFlight: config.QBO_MAX_IN_FLIGHT },
    });
    this.client = new QboClient({
      apiBaseUrl: config.QBO_API_BASE_URL,
      tokens,
      limiter: new RealmRateLimiter({ budget, logger: this.logger }),
      logger: this.logger,
    });
  }

  async companyFor(tenantId: string): Promise<QboReader> {
    const [row] = await this.db.query<{ realm_id: string | null; state: string; last_error: string | null }>(
      `select realm_id, state, last_error from ${this.db.syncSchema}.tenant_connection where tenant_id = $1`,
      [tenantId],
    );
    if (!row || row.state !== 'connected' || !row.realm_id) {
      const state = row?.state ?? 'disconnected';
      throw new ReconError('TENANT_NOT_CONNECTED', `tenant ${tenantId} is not connected to QuickBooks (state ${state}${row?.last_error ? `: ${row.last_error}` : ''})`);
    }
    return this.client.company(row.realm_id);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

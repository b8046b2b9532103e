import { serviceOrmConfig } from '@arbiter/persistence';
import { HealthRegistry, RuntimeModule } from '@arbiter/runtime';
import { MikroORM } from '@mikro-orm/postgresql';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ApiKeys } from './api-keys/api-keys';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditEventsController } from './audit/audit-events.controller';
import { AuditLog } from './audit/audit-log';
import { ApiKeyGuard } from './auth/api-key.guard';
import { KeyThrottlerGuard } from './auth/key-throttler.guard';
import { SlidingWindowStorage } from './auth/sliding-window-storage';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { OAuthCallbackController } from './connection/oauth-callback.controller';
import { QuickBooksConnection } from './connection/quickbooks-connection';
import { QuickBooksConnectionController } from './connection/quickbooks-connection.controller';
import { Documents } from './documents/documents';
import { GoNoGoController } from './documents/go-no-go.controller';
import { InvoicesController } from './documents/invoices.controller';
import { LinksController } from './documents/links.controller';
import { MappingsController } from './documents/mappings.controller';
import { SettingsController } from './documents/settings.controller';
import { SyncStatusController } from './documents/sync-status.controller';
import { HttpErrorFilter } from './http-error.filter';
import { Jobs } from './jobs/jobs';
import { JobsController } from './jobs/jobs.controller';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { gatewayMigrations } from './migrations';
import { ProblemSync } from './problems/problem-sync';
import { ProblemsController } from './problems/problems.controller';
import { Reconciliations } from './reconciliations/reconciliations';
import { ReconciliationsController } from './reconciliations/reconciliations.controller';
import { RECON_SERVICE, ServiceClient, SYNC_SERVICE } from './upstream/service-client';
import { QuickBooksWebhookController } from './webhooks/quickbooks-webhook.controller';
import { WebhookDeliveries } from './webhooks/webhook-deliveries';

/** The gateway keeps no ORM entities: its few tables are read and written with SQL (sql.ts). */
export const gatewayEntities = [];

@Module({})
export class AppModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    private readonly orm: MikroORM,
    @Inject(SYNC_SERVICE) private readonly sync: ServiceClient,
    @Inject(RECON_SERVICE) private readonly recon: ServiceClient,
  ) {}

  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({ appName: 'gateway', logLevel: config.LOG_LEVEL }),
        MikroOrmModule.forRoot({
          ...serviceOrmConfig({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: gatewayEntities, migrations: gatewayMigrations }),
          registerRequestContext: false,
        }),
        // In memory, per replica: a key spread over N replicas gets up to N × the limit.
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }], storage: new SlidingWindowStorage() }),
      ],
      controllers: [
        ProblemsController,
        InvoicesController,
        LinksController,
        MappingsController,
        GoNoGoController,
        SettingsController,
        SyncStatusController,
        JobsController,
        ReconciliationsController,
        QuickBooksConnectionController,
        OAuthCallbackController,
        QuickBooksWebhookController,
        ApiKeysController,
        AuditEventsController,
        MetricsController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: SYNC_SERVICE, useFactory: () => new ServiceClient('sync-service', config.SYNC_SERVICE_URL, config.INTERNAL_API_TOKEN, config.SERVICE_TIMEOUT_MS) },
        { provide: RECON_SERVICE, useFactory: () => new ServiceClient('recon-service', config.RECON_SERVICE_URL, config.INTERNAL_API_TOKEN, config.SERVICE_TIMEOUT_MS) },
        // Order matters: the key is resolved before the throttler counts by it.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: KeyThrottlerGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ApiKeys,
        AuditLog,
        ProblemSync,
        Documents,
        Jobs,
        Reconciliations,
        QuickBooksConnection,
        WebhookDeliveries,
        GatewayMetrics,
      ],
    };
  }

  onModuleInit(): void {
    this.health.register('postgres', async () => {
      await this.orm.em.getConnection().execute('select 1');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.sync.close(), this.recon.close()]);
  }
}

import { serviceOrmConfig } from '@arbiter/persistence';
import { HealthRegistry, RuntimeModule } from '@arbiter/runtime';
import { MikroORM } from '@mikro-orm/postgresql';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { RECON_CONFIG, type ReconConfig } from './config';
import { ReconDatabase } from './database';
import { KafkaReconPublisher, RECON_PUBLISHER } from './events/recon-events';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { ReconciliationsController } from './http/reconciliations.controller';
import { reconMigrations } from './migrations';
import { PgQboCompanies, QBO_COMPANIES } from './qbo/qbo-companies';
import { ReconciliationQueries } from './reconciliation/reconciliation-queries';
import { RunReconciliation } from './reconciliation/run-reconciliation';
import { RunWorker } from './reconciliation/run-worker';
import { StartReconciliation } from './reconciliation/start-reconciliation';
import { ReconScheduler } from './schedule/recon-scheduler';

/** No MikroORM entities: the service's data access is SQL through `ReconDatabase` (see its note). */
export const reconEntities = [];

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly orm: MikroORM,
    private readonly db: ReconDatabase,
  ) {}

  static forRoot(config: ReconConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({ appName: 'recon-service', logLevel: config.LOG_LEVEL }),
        MikroOrmModule.forRoot({
          ...serviceOrmConfig({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: reconEntities, migrations: reconMigrations, poolMax: 2 }),
          registerRequestContext: false,
        }),
      ],
      controllers: [ReconciliationsController],
      providers: [
        { provide: RECON_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        ReconDatabase,
        { provide: QBO_COMPANIES, useClass: PgQboCompanies },
        { provide: RECON_PUBLISHER, useClass: KafkaReconPublisher },
        RunReconciliation,
        RunWorker,
        StartReconciliation,
        ReconciliationQueries,
        ReconScheduler,
      ],
      exports: [RunWorker, ReconScheduler, RunReconciliation],
    };
  }

  onModuleInit(): void {
    this.health.register('postgres', async () => {
      await this.orm.em.getConnection().execute('select 1');
    });
    this.health.register('recon-schema', async () => {
      await this.db.query('select 1 from run limit 1');
    });
  }
}

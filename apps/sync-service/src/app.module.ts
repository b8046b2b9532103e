import { serviceOrmConfig } from '@arbiter/persistence';
import { HealthRegistry, RuntimeModule } from '@arbiter/runtime';
import { MikroORM } from '@mikro-orm/postgresql';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { SYNC_CONFIG, type SyncConfig } from './config';
import { DeadLetters } from './inbox/dead-letters';
import { EntityVersion, InboundEvent } from './inbox/inbound-event.entity';
import { InboxConsumer } from './inbox/inbox.consumer';
import { RecordInbound } from './inbox/record-inbound';
import { ReconFindingsConsumer } from './recon-findings/recon-findings.consumer';
import { InternalApiController } from './internal-api/internal-api.controller';
import { SyncStatus } from './internal-api/sync-status';
import { KAFKA_PRODUCER, KafkaProducerLifecycle } from './kafka-producer';
import { syncMigrations } from './migrations';
import { ProblemActions } from './problems/problem-actions';
import { OutboxRelay } from './push/outbox';
import { PushDocument } from './push/push-document';
import { PushWorker } from './push/push-worker';
import { QboAccess } from './qbo/qbo-access';

export const syncEntities = [InboundEvent, EntityVersion];

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly orm: MikroORM,
    @Inject(KafkaProducerLifecycle) private readonly producer: KafkaProducerLifecycle,
  ) {}

  static forRoot(config: SyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({ appName: 'sync-service', logLevel: config.LOG_LEVEL }),
        MikroOrmModule.forRoot({
          ...serviceOrmConfig({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: syncEntities, migrations: syncMigrations }),
          registerRequestContext: false,
        }),
      ],
      controllers: [ReconFindingsConsumer, InternalApiController],
      providers: [
        { provide: SYNC_CONFIG, useValue: config },
        { provide: 'KAFKA_BROKER_LIST', useValue: config.KAFKA_BROKERS },
        { provide: 'KAFKA_CLIENT_ID', useValue: 'arbiter-sync' },
        KafkaProducerLifecycle,
        { provide: KAFKA_PRODUCER, useFactory: (l: KafkaProducerLifecycle) => l.producer, inject: [KafkaProducerLifecycle] },
        { provide: 'OUTBOX_INTERVAL_MS', useValue: config.OUTBOX_INTERVAL_MS },
        DeadLetters,
        RecordInbound,
        InboxConsumer,
        QboAccess,
        PushDocument,
        PushWorker,
        OutboxRelay,
        ProblemActions,
        SyncStatus,
      ],
      exports: [ProblemActions, PushWorker, OutboxRelay, QboAccess],
    };
  }

  onModuleInit(): void {
    this.health.register('postgres', async () => {
      await this.orm.em.getConnection().execute('select 1');
    });
  }
}

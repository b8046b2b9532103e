import { serviceOrmConfig } from '@arbiter/persistence';
import { HealthRegistry, RuntimeModule } from '@arbiter/runtime';
import { MikroORM } from '@mikro-orm/postgresql';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import type { ReconConfig } from './config';
import { reconMigrations } from './migrations';

export const reconEntities = [];

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly orm: MikroORM,
  ) {}

  static forRoot(config: ReconConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot({ appName: 'recon-service', logLevel: config.LOG_LEVEL }),
        MikroOrmModule.forRoot({
          ...serviceOrmConfig({ clientUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, entities: reconEntities, migrations: reconMigrations }),
          registerRequestContext: false,
        }),
      ],
      providers: [{ provide: 'RECON_CONFIG', useValue: config }],
    };
  }

  onModuleInit(): void {
    this.health.register('postgres', async () => {
      await this.orm.em.getConnection().execute('select 1');
    });
  }
}

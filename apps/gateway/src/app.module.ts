import { serviceOrmConfig } from '@arbiter/persistence';
import { HealthRegistry, RuntimeModule } from '@arbiter/runtime';
import { MikroORM } from '@mikro-orm/postgresql';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from './config';
import { gatewayMigrations } from './migrations';

export const gatewayEntities = [];

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly orm: MikroORM,
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
      ],
      providers: [{ provide: 'GATEWAY_CONFIG', useValue: config }],
    };
  }

  onModuleInit(): void {
    this.health.register('postgres', async () => {
      await this.orm.em.getConnection().execute('select 1');
    });
  }
}

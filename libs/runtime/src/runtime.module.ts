import { DynamicModule, Global, Module } from '@nestjs/common';
import { HealthController, HealthRegistry } from './health';
import { jsonLoggerModule } from './logging';

export const APP_NAME = Symbol('APP_NAME');

/** What every Arbiter process has: structured JSON logs and `GET /health`. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: { appName: string; logLevel?: string }): DynamicModule {
    return {
      module: RuntimeModule,
      imports: [jsonLoggerModule(options.appName, options.logLevel)],
      controllers: [HealthController],
      providers: [HealthRegistry, { provide: APP_NAME, useValue: options.appName }],
      exports: [HealthRegistry, APP_NAME],
    };
  }
}

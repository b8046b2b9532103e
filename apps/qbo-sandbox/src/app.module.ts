import { DynamicModule, Module } from '@nestjs/common';
import { RuntimeModule } from '@arbiter/runtime';
import { SandboxConfig } from './config';
import { SandboxModule } from './sandbox.module';

export const APP_NAME = 'qbo-sandbox';

/** The sandbox process: JSON logging and GET /health from the runtime, everything else from SandboxModule. */
@Module({})
export class AppModule {
  static register(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRoot({ appName: APP_NAME }), SandboxModule.forRoot(config)],
    };
  }
}

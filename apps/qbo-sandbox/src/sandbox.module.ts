import {
  DynamicModule,
  INestApplication,
  Inject,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  OnApplicationShutdown,
  RequestMethod,
} from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { SandboxConfig } from './config';
import { MAX_BODY_BYTES, SandboxRequest } from './http/http-io';
import { Sandbox } from './sandbox';

export const SANDBOX_CONFIG = Symbol('SANDBOX_CONFIG');

/** Hands every request to the sandbox; what it does not own (e.g. `/health`) continues down the chain. */
@Injectable()
export class SandboxMiddleware implements NestMiddleware {
  constructor(@Inject(Sandbox) private readonly sandbox: Sandbox) {}

  use(req: SandboxRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    this.sandbox.handle(req, res).then(
      (handled) => {
        if (!handled) next();
      },
      (e: unknown) => next(e),
    );
  }
}

@Injectable()
export class SandboxLifecycle implements OnApplicationShutdown {
  constructor(@Inject(Sandbox) private readonly sandbox: Sandbox) {}

  onApplicationShutdown(): void {
    this.sandbox.stop();
  }
}

/**
 * The QuickBooks Online sandbox as a Nest module. Routing is done by the sandbox itself (one
 * middleware for all paths) because it needs the raw request body — exact numeric text and
 * `application/text` queries — and full control of status codes, sockets and timing.
 */
@Module({})
export class SandboxModule implements NestModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: SandboxModule,
      providers: [
        { provide: SANDBOX_CONFIG, useValue: config },
        { provide: Sandbox, useFactory: (c: SandboxConfig) => new Sandbox(c), inject: [SANDBOX_CONFIG] },
        SandboxMiddleware,
        SandboxLifecycle,
      ],
      exports: [Sandbox],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SandboxMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

type BodyParserApp = INestApplication & { useBodyParser?: (type: string, options?: Record<string, unknown>) => unknown };

/**
 * App-level setup the sandbox needs from its host, to call before `listen`: Nest's default JSON
 * and form parsers are replaced by ones that never match, so the sandbox reads every body raw
 * itself (numbers stay exact; malformed JSON becomes a QuickBooks fault, not a Nest error).
 * With `rawBody: true` on the app the sandbox also copes if a parser did run.
 */
export function configureSandboxApp(app: INestApplication): void {
  const host = app as BodyParserApp;
  if (typeof host.useBodyParser !== 'function') return;
  const never = () => false;
  host.useBodyParser('json', { type: never, limit: MAX_BODY_BYTES });
  host.useBodyParser('urlencoded', { type: never, limit: MAX_BODY_BYTES, extended: true });
}

import { type DynamicModule, Inject, Injectable, Logger, Module, type ModuleMetadata, type OnApplicationShutdown } from '@nestjs/common';
import type { HttpTransportOptions } from './http-transport';
import type { IntuitOAuthConfig } from './intuit-oauth-gateway';
import { QboClient } from './qbo-client';
import { InMemoryRealmBudget, type RealmBudget, type RealmLimits } from './realm-budget';
import { RealmRateLimiter } from './realm-rate-limiter';
import type { RetryOptions } from './retry-policy';
import { QboTokenManager } from './token-manager';
import type { TokenStore } from './token-store';

export const QBO_CLIENT_MODULE_OPTIONS = Symbol('QBO_CLIENT_MODULE_OPTIONS');

export interface QboClientModuleOptions {
  apiBaseUrl: string;
  minorVersion?: number;
  oauth: IntuitOAuthConfig;
  /** e.g. a PgTokenStore over the service's pool. */
  tokenStore: TokenStore;
  /** Shared budget for several replicas (PgRealmBudget); default in-memory with `limits`. */
  budget?: RealmBudget;
  limits?: Partial<RealmLimits>;
  retry?: Partial<RetryOptions>;
  http?: Partial<HttpTransportOptions>;
}

export interface QboClientModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
  useFactory: (...args: never[]) => QboClientModuleOptions | Promise<QboClientModuleOptions>;
}

/** Closes sockets and timers when the app shuts down. */
@Injectable()
class QboClientLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(QboClient) private readonly client: QboClient,
    @Inject(RealmRateLimiter) private readonly limiter: RealmRateLimiter,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.limiter.close();
    await this.client.close();
  }
}

/**
 * Nest wiring for the framework-free core: provides QboClient and QboTokenManager.
 * `QboClientModule.forRootAsync({ inject: [CONFIG], useFactory: (config) => ({ ... }) })`.
 */
@Module({})
export class QboClientModule {
  static forRoot(options: QboClientModuleOptions): DynamicModule {
    return QboClientModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: QboClientModuleAsyncOptions): DynamicModule {
    return {
      module: QboClientModule,
      imports: options.imports ?? [],
      providers: [
        { provide: QBO_CLIENT_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: QboTokenManager,
          inject: [QBO_CLIENT_MODULE_OPTIONS],
          useFactory: (o: QboClientModuleOptions) => new QboTokenManager({ oauth: o.oauth, store: o.tokenStore, logger: new Logger(QboTokenManager.name) }),
        },
        {
          provide: RealmRateLimiter,
          inject: [QBO_CLIENT_MODULE_OPTIONS],
          useFactory: (o: QboClientModuleOptions) =>
            new RealmRateLimiter({ budget: o.budget ?? new InMemoryRealmBudget(o.limits), logger: new Logger(RealmRateLimiter.name) }),
        },
        {
          provide: QboClient,
          inject: [QBO_CLIENT_MODULE_OPTIONS, QboTokenManager, RealmRateLimiter],
          useFactory: (o: QboClientModuleOptions, tokens: QboTokenManager, limiter: RealmRateLimiter) =>
            new QboClient({
              apiBaseUrl: o.apiBaseUrl,
              minorVersion: o.minorVersion,
              tokens,
              limiter,
              retry: o.retry,
              http: o.http,
              logger: new Logger(QboClient.name),
            }),
        },
        QboClientLifecycle,
      ],
      exports: [QboClient, QboTokenManager, RealmRateLimiter],
    };
  }
}

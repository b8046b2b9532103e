import { Logger } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { Clock } from './clock';
import { CompanyStore } from './company-store';
import { SandboxConfig } from './config';
import { ControlRoutes } from './control/control-routes';
import { populateBaseCompany } from './entities/base-company';
import { FaultInjector } from './faults';
import { ApiRoutes } from './http/api-routes';
import { SandboxRequest, sendJson } from './http/http-io';
import { RequestIdCache } from './idempotency';
import { RateLimiter } from './limits';
import { IdTokenSigner } from './oauth/id-token';
import { OAuthRoutes, isOAuthPath } from './oauth/oauth-routes';
import { OAuthServer } from './oauth/oauth-server';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

/** Everything the route handlers share; one instance per sandbox. */
export interface SandboxServices {
  readonly config: SandboxConfig;
  readonly clock: Clock;
  readonly store: CompanyStore;
  readonly oauth: OAuthServer;
  readonly idTokens: IdTokenSigner;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly requestIds: RequestIdCache;
  readonly webhooks: WebhookDispatcher;
}

/**
 * The QuickBooks Online stand-in: builds the services from the config and routes each HTTP
 * request to the API (`/v3/company/…`), OAuth (Intuit's paths) or the control surface
 * (`/__sandbox/…`). Anything else is passed on (`/health` belongs to the host app).
 */
export class Sandbox {
  private readonly logger = new Logger(Sandbox.name);
  readonly services: SandboxServices;
  private readonly api: ApiRoutes;
  private readonly oauthRoutes: OAuthRoutes;
  private readonly control: ControlRoutes;

  constructor(config: SandboxConfig) {
    const clock = new Clock();
    const idTokens = new IdTokenSigner();
    const oauth = new OAuthServer(config.oauth, clock, idTokens);
    const store = new CompanyStore(clock, config.timeZone, populateBaseCompany);
    this.services = {
      config,
      clock,
      store,
      oauth,
      idTokens,
      limiter: new RateLimiter(config.limits, clock),
      faults: new FaultInjector(clock),
      requestIds: new RequestIdCache(config.requestIdTtlSeconds * 1000, config.requestIdMaxPerRealm, clock),
      webhooks: new WebhookDispatcher(config.webhooks, (realmId) => oauth.isConnected(realmId)),
    };
    store.create(config.defaultRealmId);
    this.api = new ApiRoutes(this.services);
    this.oauthRoutes = new OAuthRoutes(this.services);
    this.control = new ControlRoutes(this.services);
  }

  /** @returns false when the request is not the sandbox's (the caller passes it on). */
  async handle(req: SandboxRequest, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.originalUrl ?? req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname;
    try {
      if (path.startsWith('/v3/company/')) await this.api.handle(req, res, url);
      else if (path === '/__sandbox' || path.startsWith('/__sandbox/')) await this.control.handle(req, res, url);
      else if (isOAuthPath(path)) await this.oauthRoutes.handle(req, res, url);
      else return false;
    } catch (e) {
      this.logger.error(`request failed ${req.method} ${path} error=${e instanceof Error ? e.stack : String(e)}`);
      sendJson(res, 500, { error: 'internal sandbox error' });
    }
    return true;
  }

  stop(): void {
    this.services.webhooks.stop();
  }
}

import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeys } from '../api-keys/api-keys';
import { GatewayError } from '../gateway-error';
import { type AuthenticatedRequest, MIN_ROLE, PUBLIC_ROUTE, type Role, roleAllows } from './principal';

/**
 * Authenticates every `/api/v1` request by its bearer API key and checks the endpoint's least role.
 * Fails closed: an `/api` route that declares no role is refused, so a forgotten decorator cannot open a hole.
 * Routes outside `/api` (health from the runtime lib) pass unless they declare a role.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const needed = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, targets);
    if (!needed) {
      if (!req.path.startsWith('/api/')) return true;
      this.logger.error(`route declares no role; refused path=${req.route?.path ?? req.path}`);
      throw new GatewayError('FORBIDDEN', 'this endpoint is not available');
    }
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!match) throw new GatewayError('UNAUTHENTICATED', 'send Authorization: Bearer <api key>');
    const principal = await this.keys.resolve(match[1]);
    if (!principal) throw new GatewayError('UNAUTHENTICATED', 'the API key is unknown or revoked');
    req.principal = principal;
    if (!roleAllows(principal.role, needed)) {
      throw new GatewayError('FORBIDDEN', `this needs the ${needed} role or above; the key has ${principal.role}`);
    }
    return true;
  }
}

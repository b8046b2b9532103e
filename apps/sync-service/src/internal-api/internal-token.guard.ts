import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { bearerTokenMatches } from '@arbiter/runtime';
import type { Request } from 'express';
import { SYNC_CONFIG, type SyncConfig } from '../config';

/** When INTERNAL_API_TOKEN is set, every internal call must carry it as a bearer token (constant-time compare). */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  constructor(@Inject(SYNC_CONFIG) private readonly config: SyncConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.INTERNAL_API_TOKEN;
    if (!expected) return true;
    const { authorization } = context.switchToHttp().getRequest<Request>().headers;
    if (!bearerTokenMatches(authorization, expected)) throw new UnauthorizedException('internal token required');
    return true;
  }
}

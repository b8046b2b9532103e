import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { bearerTokenMatches } from '@arbiter/runtime';
import { RECON_CONFIG, type ReconConfig } from '../config';
import { ReconError } from '../errors';

/**
 * When INTERNAL_API_TOKEN is set, every internal call must carry it as `Authorization: Bearer <token>`
 * (compared in constant time), as the sync-service requires of the gateway too.
 * @throws ReconError INTERNAL_TOKEN_REQUIRED (401) when the token is missing or wrong.
 */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  constructor(@Inject(RECON_CONFIG) private readonly config: ReconConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.INTERNAL_API_TOKEN;
    if (!expected) return true;
    const { authorization } = context.switchToHttp().getRequest<Request>().headers;
    if (!bearerTokenMatches(authorization, expected)) throw new ReconError('INTERNAL_TOKEN_REQUIRED', 'the internal API needs the gateway’s internal token');
    return true;
  }
}

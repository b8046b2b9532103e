import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './principal';

/**
 * Rate limit per API key (the key id, resolved by ApiKeyGuard, which runs first), or per client address on
 * the routes without a key (webhook, OAuth callback). Probes and scrapes are not limited.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as unknown as AuthenticatedRequest).principal;
    return principal ? `key:${principal.keyId}` : `ip:${(req as unknown as AuthenticatedRequest).ip ?? 'unknown'}`;
  }

  /** One budget per key across every endpoint (the default is one per endpoint and key, hashed per request). */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const path = context.switchToHttp().getRequest<AuthenticatedRequest>().path;
    return path === '/health' || path === '/metrics';
  }
}

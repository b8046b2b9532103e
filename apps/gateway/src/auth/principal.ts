import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';

export const Roles = ['auditor', 'controller', 'admin'] as const;
export type Role = (typeof Roles)[number];

/** CONTRACT.md §2: each role may do everything the one before it may, and more. */
const RANK: Record<Role, number> = { auditor: 1, controller: 2, admin: 3 };
export const roleAllows = (held: Role, needed: Role): boolean => RANK[held] >= RANK[needed];

/** Who is calling: resolved from the API key. The tenant comes from here and only from here. */
export interface Principal {
  keyId: string;
  tenantId: string;
  role: Role;
}

export type AuthenticatedRequest = Request & { principal?: Principal };

export const MIN_ROLE = 'arbiter:min-role';
export const PUBLIC_ROUTE = 'arbiter:public';

/** The least role an endpoint needs; every `/api/v1` endpoint must say one (the guard refuses routes that do not). */
export const Allow = (role: Role) => applyDecorators(SetMetadata(MIN_ROLE, role), ApiBearerAuth());

/** No API key: the webhook (signature instead), the OAuth callback (state instead), /metrics. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The authenticated caller of this request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('Caller used on a route without an API key'); // a wiring error, caught by the matrix test
  return principal;
});

import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log';
import type { Principal } from '../auth/principal';
import { UpstreamProblem } from '../gateway-error';
import { type ServiceClient, type ServiceCall, SYNC_SERVICE } from '../upstream/service-client';

export type MappingKind = 'customers' | 'items' | 'accounts';

/**
 * Documents, links, mappings, go/no-go and settings: each asked of the sync-service, each change audited with
 * what it was before when the service can say (settings, in-sync point, mappings) and what it is after.
 */
@Injectable()
export class Documents {
  constructor(
    @Inject(SYNC_SERVICE) private readonly sync: ServiceClient,
    private readonly audit: AuditLog,
  ) {}

  /** The found set, as the sync-service's JSON bytes. */
  invoices(caller: Principal, query: Record<string, string | number | undefined>): Promise<Buffer> {
    return this.sync.relay({ method: 'GET', tenantId: caller.tenantId, path: ['invoices'], query, actor: caller });
  }

  /** One invoice's sync state ("More info"), as the sync-service's JSON bytes. */
  invoice(caller: Principal, sourceId: string): Promise<Buffer> {
    return this.sync.relay({ method: 'GET', tenantId: caller.tenantId, path: ['invoices', sourceId], actor: caller });
  }

  /** The tenant's sync progress (`settled` once nothing more happens without a person), as the sync-service's JSON bytes. */
  syncStatus(caller: Principal): Promise<Buffer> {
    return this.sync.relay({ method: 'GET', tenantId: caller.tenantId, path: ['sync', 'status'], actor: caller });
  }

  push(caller: Principal, sourceId: string): Promise<unknown> {
    return this.audit.recorded(caller, { action: 'invoice.push', targetType: 'invoice', targetId: sourceId }, () => this.ask(caller, 'POST', ['invoices', sourceId, 'push']));
  }

  overrideLink(caller: Principal, entityType: string, sourceId: string, qboId: string): Promise<unknown> {
    return this.audit.recorded(caller, { action: 'link.overridden', targetType: entityType, targetId: sourceId, request: { qboId } }, () =>
      this.ask(caller, 'PUT', ['links', entityType, sourceId], { body: { qboId } }),
    );
  }

  removeLink(caller: Principal, entityType: string, sourceId: string): Promise<unknown> {
    return this.audit.recorded(caller, { action: 'link.removed', targetType: entityType, targetId: sourceId }, () => this.ask(caller, 'DELETE', ['links', entityType, sourceId]));
  }

  mapping(caller: Principal, kind: MappingKind, sourceId: string): Promise<unknown> {
    return this.ask(caller, 'GET', ['mappings', kind, sourceId]);
  }

  async map(caller: Principal, kind: MappingKind, sourceId: string, qboId: string): Promise<unknown> {
    const before = await this.mapping(caller, kind, sourceId).catch((error) => {
      if (error instanceof UpstreamProblem && error.problem.status === 404) return null; // no mapping yet
      throw error;
    });
    return this.audit.recorded(caller, { action: 'mapping.set', targetType: kind.slice(0, -1), targetId: sourceId, request: { qboId }, before }, () =>
      this.ask(caller, 'PUT', ['mappings', kind, sourceId], { body: { qboId } }),
    );
  }

  settings(caller: Principal): Promise<Record<string, unknown>> {
    return this.ask(caller, 'GET', ['settings']);
  }

  async updateSettings(caller: Principal, patch: Record<string, unknown>): Promise<unknown> {
    const before = await this.settings(caller);
    return this.audit.recorded(caller, { action: 'settings.updated', targetType: 'settings', targetId: caller.tenantId, request: patch, before }, () =>
      this.ask(caller, 'PUT', ['settings'], { body: patch }),
    );
  }

  async inSyncPoint(caller: Principal): Promise<{ inSyncPoint: string | null }> {
    const settings = await this.settings(caller);
    return { inSyncPoint: (settings['inSyncPoint'] as string | null | undefined) ?? null };
  }

  async setInSyncPoint(caller: Principal, date: string | null): Promise<unknown> {
    const before = await this.inSyncPoint(caller);
    return this.audit.recorded(caller, { action: 'in_sync_point.set', targetType: 'settings', targetId: caller.tenantId, request: { date }, before }, () =>
      this.ask(caller, 'PUT', ['in-sync-point'], { body: { date } }),
    );
  }

  setExportFlags(caller: Principal, body: { sourceIds?: string[]; before?: string; export: boolean }): Promise<unknown> {
    return this.audit.recorded(caller, { action: 'export_flags.set', targetType: 'documents', targetId: body.sourceIds ? (body.sourceIds.length === 1 ? body.sourceIds[0] : `${body.sourceIds.length} documents`) : `before ${body.before}`, request: body }, () =>
      this.ask(caller, 'PUT', ['export-flags'], { body }),
    );
  }

  private ask<T>(caller: Principal, method: ServiceCall['method'], path: string[], extra: Pick<ServiceCall, 'query' | 'body'> = {}): Promise<T> {
    return this.sync.json<T>({ method, tenantId: caller.tenantId, path, actor: caller, ...extra });
  }
}

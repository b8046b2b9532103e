import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { SYNC_CONFIG, type SyncConfig } from '../config';
import type { SyncEntityType } from '../ledger/sync-work';
import { ActionError, ProblemActions, type Actor } from '../problems/problem-actions';
import { QboAccess } from '../qbo/qbo-access';
import { inTransaction, sqlOf } from '../sql';
import { DEFAULT_SETTINGS } from '../push/tenant-settings';
import { decodeCursor, encodeCursor } from './cursor';
import { InternalErrorFilter } from './internal-error.filter';
import { InternalTokenGuard } from './internal-token.guard';
import { SyncStatus } from './sync-status';

const TenantId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'is not a tenant id');
const SourceId = z.string().min(1).max(128);
const EntityType = z.enum(['customer', 'item', 'invoice', 'payment', 'credit-memo']);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');
const Limit = z.coerce.number().int().min(1).max(500).default(50);
const QboId = z.string().regex(/^\d{1,20}$/, 'must be a QuickBooks id (digits)');

const ProblemQuery = z.strictObject({
  entityType: EntityType.optional(),
  status: z.enum(['open', 'resolved', 'cleared', 'all']).default('open'),
  limit: Limit,
  cursor: z.string().max(500).optional(),
});
const InvoiceQuery = z.strictObject({
  status: z.enum(['draft', 'approved', 'in_revision', 'cancelled']).optional(),
  syncStatus: z.string().max(32).optional(),
  customerId: SourceId.optional(),
  issuedFrom: IsoDate.optional(),
  issuedTo: IsoDate.optional(),
  limit: Limit,
  cursor: z.string().max(500).optional(),
});
const SettingsBody = z.strictObject({
  syncEntityTypes: z.array(EntityType).max(5).optional(),
  autoPush: z.boolean().optional(),
  defaultTermId: QboId.optional(),
  arAccountId: QboId.optional(),
  defaultIncomeAccountId: QboId.optional(),
  descriptionTemplate: z.string().min(1).max(500).optional(),
});
const ExportFlagsBody = z
  .strictObject({ sourceIds: z.array(SourceId).min(1).max(1000).optional(), before: IsoDate.optional(), export: z.boolean() })
  .refine((b) => (b.sourceIds === undefined) !== (b.before === undefined), { message: 'give either sourceIds or before', path: ['sourceIds'] });

/** Instants leave as ISO-8601 UTC: the driver hands timestamptz over in PostgreSQL's own text form. */
const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string | Date).toISOString());
const actorOf = (id: string | undefined, role: string | undefined): Actor => ({ id: (id ?? 'internal').slice(0, 128), role: role?.slice(0, 32) });
const qboLink = (entityType: string, qboId: string | null, sandbox: boolean) => {
  if (!qboId) return null;
  const host = sandbox ? 'https://app.sandbox.qbo.intuit.com' : 'https://app.qbo.intuit.com';
  const path = { invoice: `/app/invoice?txnId=`, payment: '/app/recvpayment?txnId=', 'credit-memo': '/app/creditmemo?txnId=', customer: '/app/customerdetail?nameId=', item: '/app/items?itemId=' }[entityType];
  return path ? `${host}${path}${qboId}` : null;
};

/**
 * The sync-service's API for the gateway (and only the gateway: NetworkPolicy, plus INTERNAL_API_TOKEN when
 * set). The gateway authenticates and authorises the caller; here every query is scoped by the tenant in the
 * path, so another tenant's resource is a 404 like a missing one.
 */
@Controller('internal/v1/tenants/:tenantId')
@UseGuards(InternalTokenGuard)
@UseFilters(InternalErrorFilter)
export class InternalApiController {
  constructor(
    private readonly em: EntityManager,
    private readonly actions: ProblemActions,
    private readonly qbo: QboAccess,
    private readonly status: SyncStatus,
    @Inject(SYNC_CONFIG) private readonly config: SyncConfig,
  ) {}

  @Get('sync/status')
  syncStatus(@Param('tenantId') tenant: string) {
    return this.status.of(TenantId.parse(tenant));
  }

  @Get('problems')
  async problems(@Param('tenantId') tenant: string, @Query() query: unknown) {
    const tenantId = TenantId.parse(tenant);
    const q = ProblemQuery.parse(query);
    const after = decodeCursor(q.cursor, 2);
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = ?';
    const add = (clause: string, ...values: unknown[]) => {
      where += clause;
      params.push(...values);
    };
    if (q.status !== 'all') add(' and state = ?', q.status);
    if (q.entityType) add(' and entity_type = ?', q.entityType);
    if (after) add(' and (last_seen_at, id) < (?::timestamptz, ?::uuid)', after[0], after[1]);
    const rows = await sqlOf(this.em)<Record<string, unknown> & { id: string; cursor_at: string }>(
      `select id, entity_type, source_id, kind, state, reason, qbo_code, qbo_message, attempts, allowed_actions, details,
              first_seen_at, last_seen_at, resolved_at, resolved_by, to_char(last_seen_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
       from problem where ${where} order by last_seen_at desc, id desc limit ?`,
      [...params, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({
        id: r.id, entityType: r['entity_type'], sourceId: r['source_id'], kind: r['kind'], state: r['state'], reason: r['reason'],
        qboErrorCode: r['qbo_code'] ?? null, qboMessage: r['qbo_message'] ?? null, attempts: r['attempts'], allowedActions: r['allowed_actions'],
        details: r['details'] ?? null, firstSeenAt: iso(r['first_seen_at']), lastSeenAt: iso(r['last_seen_at']), resolvedAt: iso(r['resolved_at']), resolvedBy: r['resolved_by'] ?? null,
      })),
      nextCursor: rows.length > q.limit ? encodeCursor([page[page.length - 1].cursor_at, page[page.length - 1].id]) : null,
    };
  }

  @Post('problems/:id/resync')
  @HttpCode(200)
  resync(@Param('tenantId') tenant: string, @Param('id') id: string, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    return this.actions.resync(TenantId.parse(tenant), id, actorOf(actor, role));
  }

  @Post('problems/:id/clear')
  @HttpCode(200)
  clear(@Param('tenantId') tenant: string, @Param('id') id: string, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    return this.actions.clear(TenantId.parse(tenant), id, actorOf(actor, role));
  }

  @Post('problems/:id/mark-paid')
  @HttpCode(200)
  markPaid(@Param('tenantId') tenant: string, @Param('id') id: string, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    return this.actions.markPaid(TenantId.parse(tenant), id, actorOf(actor, role));
  }

  @Get('invoices')
  async invoices(@Param('tenantId') tenant: string, @Query() query: unknown) {
    const tenantId = TenantId.parse(tenant);
    const q = InvoiceQuery.parse(query);
    const after = decodeCursor(q.cursor, 2);
    const params: unknown[] = [tenantId];
    let where = 'i.tenant_id = ?';
    const add = (clause: string, ...values: unknown[]) => {
      where += clause;
      params.push(...values);
    };
    if (q.status) add(' and i.status = ?', q.status);
    if (q.customerId) add(' and i.customer_id = ?', q.customerId);
    if (q.issuedFrom) add(' and i.issue_date >= ?', q.issuedFrom);
    if (q.issuedTo) add(' and i.issue_date <= ?', q.issuedTo);
    if (q.syncStatus) add(` and coalesce(l.status, 'pending') = ?`, q.syncStatus);
    if (after) add(' and (i.issue_date, i.id) > (?::date, ?)', after[0], after[1]);
    const rows = await sqlOf(this.em)<Record<string, string | number | null>>(
      `select i.id, i.number, i.customer_id, to_char(i.issue_date, 'YYYY-MM-DD') as issue_date, to_char(i.due_date, 'YYYY-MM-DD') as due_date,
              i.currency, i.status, i.total::text as total, i.version, coalesce(l.status, 'pending') as sync_status, l.qbo_id, l.pushed_version
       from source_invoice i left join sync_link l on l.tenant_id = i.tenant_id and l.entity_type = 'invoice' and l.source_id = i.id
       where ${where} order by i.issue_date, i.id limit ?`,
      [...params, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({
        sourceId: r['id'], number: r['number'], customerId: r['customer_id'], issueDate: r['issue_date'], dueDate: r['due_date'], currency: r['currency'],
        status: r['status'], total: trimMoney(String(r['total']), String(r['currency'])), version: r['version'], syncStatus: r['sync_status'], qboId: r['qbo_id'] ?? null,
        lastPushedVersion: r['pushed_version'] ?? null,
      })),
      nextCursor: rows.length > q.limit ? encodeCursor([page[page.length - 1]['issue_date'] as string, page[page.length - 1]['id'] as string]) : null,
    };
  }

  @Get('invoices/:sourceId')
  async invoice(@Param('tenantId') tenant: string, @Param('sourceId') sourceId: string) {
    const tenantId = TenantId.parse(tenant);
    const [row] = await sqlOf(this.em)<Record<string, string | number | null>>(
      `select i.id, i.number, i.status, i.currency, i.total::text as total, i.export, coalesce(l.status, 'pending') as sync_status, l.qbo_id, l.pushed_version, l.pushed_at
       from source_invoice i left join sync_link l on l.tenant_id = i.tenant_id and l.entity_type = 'invoice' and l.source_id = i.id
       where i.tenant_id = ? and i.id = ?`,
      [tenantId, SourceId.parse(sourceId)],
    );
    if (!row) throw new ActionError('NOT_FOUND', 'no such invoice');
    const state = await this.actions.documentState(tenantId, 'invoice', sourceId);
    return {
      sourceId: row['id'], number: row['number'], status: row['status'], currency: row['currency'], total: trimMoney(String(row['total']), String(row['currency'])),
      syncStatus: row['sync_status'], qboId: row['qbo_id'] ?? null, pushedAt: iso(row['pushed_at']), lastPushedVersion: row['pushed_version'] ?? null,
      // Balance fields come with the pull path (webhooks, CDC, balance pulls).
      balance: null, balanceCheckedAt: null, paidOn: null,
      viewInQuickBooksUrl: qboLink('invoice', (row['qbo_id'] as string) ?? null, this.config.QBO_API_BASE_URL.includes('sandbox') || this.config.QBO_API_BASE_URL.startsWith('http://')),
      export: row['export'] === 'no_go' ? false : row['export'] === 'go' ? true : null,
      problem: state.problem, queued: state.queued,
    };
  }

  @Post('invoices/:sourceId/push')
  @HttpCode(202)
  push(@Param('tenantId') tenant: string, @Param('sourceId') sourceId: string, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    return this.actions.pushNow(TenantId.parse(tenant), SourceId.parse(sourceId), actorOf(actor, role));
  }

  @Put('links/:entityType/:sourceId')
  overrideLink(@Param('tenantId') tenant: string, @Param('entityType') type: string, @Param('sourceId') sourceId: string, @Body() body: unknown, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    const { qboId } = z.strictObject({ qboId: QboId }).parse(body);
    return this.actions.overrideLink(TenantId.parse(tenant), EntityType.parse(type) as SyncEntityType, SourceId.parse(sourceId), qboId, actorOf(actor, role));
  }

  @Delete('links/:entityType/:sourceId')
  removeLink(@Param('tenantId') tenant: string, @Param('entityType') type: string, @Param('sourceId') sourceId: string, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    return this.actions.removeLink(TenantId.parse(tenant), EntityType.parse(type) as SyncEntityType, SourceId.parse(sourceId), actorOf(actor, role));
  }

  @Get('mappings/:kind/:sourceId')
  async mapping(@Param('tenantId') tenant: string, @Param('kind') kind: string, @Param('sourceId') sourceId: string) {
    const entityType = z.enum(['customers', 'items', 'accounts']).parse(kind).slice(0, -1);
    const [row] = await sqlOf(this.em)<{ qbo_id: string; mapped_by: string; mapped_at: Date }>(
      `select qbo_id, mapped_by, mapped_at from mapping where tenant_id = ? and entity_type = ? and source_id = ?`,
      [TenantId.parse(tenant), entityType, SourceId.parse(sourceId)],
    );
    if (!row) throw new ActionError('NOT_FOUND', 'no mapping for this record');
    return { sourceId, qboId: row.qbo_id, mappedBy: row.mapped_by, mappedAt: iso(row.mapped_at) };
  }

  @Put('mappings/:kind/:sourceId')
  map(@Param('tenantId') tenant: string, @Param('kind') kind: string, @Param('sourceId') sourceId: string, @Body() body: unknown, @Headers('x-arbiter-actor') actor?: string, @Headers('x-arbiter-role') role?: string) {
    const entityType = z.enum(['customers', 'items', 'accounts']).parse(kind).slice(0, -1) as 'customer' | 'item' | 'account';
    const { qboId } = z.strictObject({ qboId: QboId }).parse(body);
    return this.actions.map(TenantId.parse(tenant), entityType, SourceId.parse(sourceId), qboId, actorOf(actor, role));
  }

  @Get('settings')
  async settings(@Param('tenantId') tenant: string) {
    const [row] = await sqlOf(this.em)<{ settings: object; in_sync_point: string | null }>(
      `select settings, to_char(in_sync_point, 'YYYY-MM-DD') as in_sync_point from tenant_settings where tenant_id = ?`,
      [TenantId.parse(tenant)],
    );
    return { ...DEFAULT_SETTINGS, ...(row?.settings ?? {}), inSyncPoint: row?.in_sync_point ?? null };
  }

  @Put('settings')
  async putSettings(@Param('tenantId') tenant: string, @Body() body: unknown) {
    const tenantId = TenantId.parse(tenant);
    const patch = SettingsBody.parse(body);
    await inTransaction(this.em, (sql) =>
      sql(
        `insert into tenant_settings (tenant_id, settings, updated_at) values (?, ?::jsonb, now())
         on conflict (tenant_id) do update set settings = tenant_settings.settings || excluded.settings, updated_at = now()`,
        [tenantId, JSON.stringify(patch)],
      ),
    );
    return this.settings(tenantId);
  }

  @Put('in-sync-point')
  async inSyncPoint(@Param('tenantId') tenant: string, @Body() body: unknown) {
    const tenantId = TenantId.parse(tenant);
    const { date } = z.strictObject({ date: IsoDate.nullable() }).parse(body);
    await sqlOf(this.em)(
      `insert into tenant_settings (tenant_id, settings, in_sync_point, updated_at) values (?, '{}'::jsonb, ?, now())
       on conflict (tenant_id) do update set in_sync_point = excluded.in_sync_point, updated_at = now()`,
      [tenantId, date],
    );
    return { inSyncPoint: date };
  }

  @Put('export-flags')
  async exportFlags(@Param('tenantId') tenant: string, @Body() body: unknown) {
    const tenantId = TenantId.parse(tenant);
    const b = ExportFlagsBody.parse(body);
    const flag = b.export ? 'go' : 'no_go';
    let updated = 0;
    await inTransaction(this.em, async (sql) => {
      for (const [table, dateColumn] of [['source_invoice', 'issue_date'], ['source_payment', 'received_on'], ['source_credit_memo', 'issue_date']] as const) {
        const rows = b.sourceIds
          ? await sql(`update ${table} set export = ? where tenant_id = ? and id in (select jsonb_array_elements_text(?::jsonb)) returning 1`, [flag, tenantId, JSON.stringify(b.sourceIds)])
          : await sql(`update ${table} set export = ? where tenant_id = ? and ${dateColumn} < ? returning 1`, [flag, tenantId, b.before]);
        updated += rows.length;
      }
    });
    return { updated, export: b.export };
  }

  @Get('connection')
  async connection(@Param('tenantId') tenant: string) {
    const [row] = await sqlOf(this.em)<{ realm_id: string | null; state: string; connected_at: string | null; last_error: string | null }>(
      `select realm_id, state, connected_at, last_error from tenant_connection where tenant_id = ?`,
      [TenantId.parse(tenant)],
    );
    // A disconnected tenant reads as one never connected: the realm and date of a revoked connection are history, not state.
    if (!row || row.state === 'disconnected') return { state: 'disconnected' };
    let state = row.state;
    let lastError = row.last_error;
    if (row.realm_id && state === 'connected') {
      const status = await this.qbo.tokens.status(row.realm_id);
      if (status && status.status !== 'connected') {
        state = 'error';
        lastError = status.statusReason ?? `token ${status.status}`;
      }
    }
    return { state, realmId: row.realm_id ?? undefined, connectedAt: iso(row.connected_at) ?? undefined, lastError: lastError ?? undefined };
  }

  @Post('connection/authorize-url')
  @HttpCode(200)
  authorizeUrl(@Param('tenantId') tenant: string, @Body() body: unknown) {
    TenantId.parse(tenant);
    const { state } = z.strictObject({ state: z.string().min(16).max(200) }).parse(body);
    return { url: this.qbo.tokens.authorizeUrl(state).url };
  }

  @Post('connection/exchange')
  @HttpCode(200)
  exchange(@Param('tenantId') tenant: string, @Body() body: unknown, @Headers('x-arbiter-actor') actor?: string) {
    const { callbackUrl, state } = z.strictObject({ callbackUrl: z.string().min(1).max(4000), state: z.string().min(16).max(200) }).parse(body);
    return this.actions.connect(TenantId.parse(tenant), callbackUrl, state, actorOf(actor, 'admin'));
  }

  @Delete('connection')
  async disconnect(@Param('tenantId') tenant: string) {
    const tenantId = TenantId.parse(tenant);
    const [row] = await sqlOf(this.em)<{ realm_id: string | null }>(`select realm_id from tenant_connection where tenant_id = ?`, [tenantId]);
    if (row?.realm_id) await this.qbo.tokens.revoke(row.realm_id, 'disconnected by an admin');
    await sqlOf(this.em)(`update tenant_connection set state = 'disconnected', updated_at = now() where tenant_id = ?`, [tenantId]);
    this.qbo.forgetTenant(tenantId);
    return { state: 'disconnected' };
  }
}

function trimMoney(text: string, currency: string): string {
  const digits = ({ JPY: 0, KRW: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 } as Record<string, number>)[currency] ?? 2;
  const [i, f = ''] = text.split('.');
  return digits === 0 ? i : `${i}.${(f + '0000').slice(0, digits)}`;
}

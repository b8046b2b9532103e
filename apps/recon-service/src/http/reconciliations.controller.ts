import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ReconError } from '../errors';
import { ReconciliationQueries } from '../reconciliation/reconciliation-queries';
import { StartReconciliation } from '../reconciliation/start-reconciliation';
import { InternalTokenGuard } from './internal-token.guard';
import { DiscrepancyQuery, ListQuery, parseRequest, RunIdParam, RunQuery, StartReconciliationBody, TenantParam } from './reconciliation-requests';

/**
 * The internal API the gateway calls (the gateway authenticates and authorises; this service trusts the tenant in the
 * path and never shows another tenant's data: such a run is "not found"). Only the gateway may call it: NetworkPolicy,
 * plus INTERNAL_API_TOKEN when set. Errors become problem+json in ProblemDetailsFilter.
 */
@Controller('internal/v1/tenants/:tenantId/reconciliations')
@UseGuards(InternalTokenGuard)
export class ReconciliationsController {
  constructor(
    private readonly start: StartReconciliation,
    private readonly queries: ReconciliationQueries,
  ) {}

  @Post()
  @HttpCode(202)
  async create(@Param('tenantId') tenantId: string, @Body() body: unknown): Promise<{ id: string }> {
    const tenant = parseRequest(TenantParam, tenantId, 'path');
    return this.start.execute(tenant, parseRequest(StartReconciliationBody, body));
  }

  @Get()
  list(@Param('tenantId') tenantId: string, @Query() query: unknown) {
    const tenant = parseRequest(TenantParam, tenantId, 'path');
    const { limit, cursor } = parseRequest(ListQuery, query, 'query');
    return this.queries.list(tenant, limit, cursor);
  }

  @Get(':id')
  get(@Param('tenantId') tenantId: string, @Param('id') id: string, @Query() query: unknown) {
    const { allCustomers } = parseRequest(RunQuery, query, 'query');
    return this.queries.run(...this.target(tenantId, id), allCustomers === 'true');
  }

  @Get(':id/discrepancies')
  discrepancies(@Param('tenantId') tenantId: string, @Param('id') id: string, @Query() query: unknown) {
    const options = parseRequest(DiscrepancyQuery, query, 'query');
    return this.queries.discrepancies(...this.target(tenantId, id), options);
  }

  @Get(':id/report.pdf')
  async pdf(@Param('tenantId') tenantId: string, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.download(res, 'pdf', ...this.target(tenantId, id));
  }

  @Get(':id/report.csv')
  async csv(@Param('tenantId') tenantId: string, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.download(res, 'csv', ...this.target(tenantId, id));
  }

  @Get(':id/verify')
  verify(@Param('tenantId') tenantId: string, @Param('id') id: string) {
    return this.queries.verify(...this.target(tenantId, id));
  }

  /** The stored bytes, as they were rendered: same bytes, same hash, on every download. */
  private async download(res: Response, format: 'pdf' | 'csv', tenantId: string, id: string): Promise<void> {
    const artifact = await this.queries.artifact(tenantId, id, format);
    res
      .status(200)
      .set({
        'Content-Type': artifact.contentType,
        'Content-Length': String(artifact.bytes.length),
        'Content-Disposition': `attachment; filename="${artifact.fileName}"`,
        'X-Content-SHA256': artifact.sha256,
        'Cache-Control': 'private, max-age=31536000, immutable',
        ETag: `"${artifact.sha256}"`,
      })
      .end(artifact.bytes);
  }

  /** @throws ReconError INVALID_REQUEST (tenant id), RUN_NOT_FOUND (an id that cannot be a run) */
  private target(tenantId: string, id: string): [string, string] {
    const tenant = parseRequest(TenantParam, tenantId, 'path');
    if (!RunIdParam.safeParse(id).success) throw new ReconError('RUN_NOT_FOUND', `no reconciliation run ${id}`);
    return [tenant, id];
  }
}

import { AgingBases, Currency, DiscrepancyKinds, MoneyString } from '@arbiter/contracts';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiPathParam, ApiProblems, ApiQueryFrom, pageOf } from '../http/api-docs';
import { BooleanFlag, CalendarDate, Page } from '../http/inputs';
import { sendRelayedJson } from '../http/relayed-json';
import { validBody, validParam, validQuery } from '../http/zod-input';
import { Reconciliations } from './reconciliations';

const RunId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a run id');
const StartBody = z.strictObject({
  asOf: CalendarDate,
  agingBasis: z.enum(AgingBases).optional(),
  // Extensions the recon-service takes: QuickBooks' aging_period and num_periods, a tolerance, the currency.
  agingPeriodDays: z.int().min(1).max(365).optional(),
  agingPeriods: z.int().min(1).max(12).optional(),
  /** Money: a decimal string (never a JSON number), not negative, at most 4 decimals (numeric(19,4)). */
  tolerance: MoneyString.refine((v) => !v.startsWith('-'), 'tolerance must not be negative')
    .refine((v) => !/\.\d{5,}$/.test(v), 'tolerance has at most 4 decimals')
    .optional(),
  currency: Currency.optional(),
});
const RunQuery = z.strictObject({ allCustomers: BooleanFlag.optional() });
const DiscrepancyQuery = z.strictObject({ kind: z.enum(DiscrepancyKinds).optional(), ...Page });
const ListQuery = z.strictObject({ ...Page });
const runId = validParam('id', RunId);

@ApiTags('Reconciliations')
@Controller('api/v1/reconciliations')
@ApiProblems(400)
export class ReconciliationsController {
  constructor(private readonly reconciliations: Reconciliations) {}

  @Post()
  @HttpCode(202)
  @Allow('controller')
  @ApiOperation({ summary: 'Start a run for an as-of date (optionally: aging basis, periods, a tolerance, the currency)' })
  @ApiJsonBody(StartBody)
  @ApiAcceptedResponse({ description: '`{ id }`; follow `Location` for progress' })
  async start(@Caller() caller: Principal, @Body(validBody(StartBody)) body: z.infer<typeof StartBody>, @Res({ passthrough: true }) res: Response) {
    const started = await this.reconciliations.start(caller, body);
    if (typeof started?.id === 'string') res.setHeader('Location', `/api/v1/reconciliations/${encodeURIComponent(started.id)}`);
    return started;
  }

  @Get()
  @Allow('auditor')
  @ApiOperation({ summary: 'Runs, newest first' })
  @ApiQueryFrom(ListQuery)
  @ApiOkResponse({ description: 'A page of runs (the run resource without customers)', schema: pageOf({ type: 'object' }) })
  async list(@Caller() caller: Principal, @Query(validQuery(ListQuery)) query: z.infer<typeof ListQuery>, @Res() res: Response): Promise<void> {
    sendRelayedJson(res, await this.reconciliations.list(caller, query));
  }

  @Get(':id')
  @Allow('auditor')
  @ApiOperation({ summary: 'One run: progress, per-bucket totals, per-customer differences, discrepancy counts, reportSha256 (CONTRACT.md §2.1)' })
  @ApiPathParam('id', RunId)
  @ApiQueryFrom(RunQuery)
  @ApiProblems(404)
  async run(@Caller() caller: Principal, @Param('id', runId) id: string, @Query(validQuery(RunQuery)) query: z.infer<typeof RunQuery>, @Res() res: Response): Promise<void> {
    sendRelayedJson(res, await this.reconciliations.run(caller, id, query.allCustomers ?? false));
  }

  @Get(':id/discrepancies')
  @Allow('auditor')
  @ApiOperation({ summary: 'The flagged transactions of a run' })
  @ApiPathParam('id', RunId)
  @ApiQueryFrom(DiscrepancyQuery)
  @ApiOkResponse({ description: 'A page of discrepancies', schema: pageOf({ type: 'object', description: '{ id, kind, customerId, sourceId, qboId, sourceAmount, qboAmount, difference, bucket, suggestedAction }' }) })
  @ApiProblems(404)
  async discrepancies(
    @Caller() caller: Principal,
    @Param('id', runId) id: string,
    @Query(validQuery(DiscrepancyQuery)) query: z.infer<typeof DiscrepancyQuery>,
    @Res() res: Response,
  ): Promise<void> {
    sendRelayedJson(res, await this.reconciliations.discrepancies(caller, id, query));
  }

  @Get(':id/report.pdf')
  @Allow('auditor')
  @ApiOperation({ summary: 'The audit report (PDF): the stored bytes, the same on every download; SHA-256 in X-Content-SHA256' })
  @ApiPathParam('id', RunId)
  @ApiProduces('application/pdf')
  @ApiProblems(404)
  pdf(@Caller() caller: Principal, @Param('id', runId) id: string, @Res() res: Response) {
    return this.download(caller, id, 'pdf', res);
  }

  @Get(':id/report.csv')
  @Allow('auditor')
  @ApiOperation({ summary: 'The audit report (CSV): the stored bytes; SHA-256 in X-Content-SHA256' })
  @ApiPathParam('id', RunId)
  @ApiProduces('text/csv')
  @ApiProblems(404)
  csv(@Caller() caller: Principal, @Param('id', runId) id: string, @Res() res: Response) {
    return this.download(caller, id, 'csv', res);
  }

  @Get(':id/verify')
  @Allow('auditor')
  @ApiOperation({ summary: 'Recomputes the report’s hash and the tenant’s audit chain: `{ valid, reportSha256, chainHead }` (valid = both hold)' })
  @ApiPathParam('id', RunId)
  @ApiOkResponse({ description: '`{ valid, reportSha256, chainHead, report: {…}, chain: { valid, length, brokenAt?, reason? } }`' })
  @ApiProblems(404)
  verify(@Caller() caller: Principal, @Param('id', runId) id: string) {
    return this.reconciliations.verify(caller, id);
  }

  private async download(caller: Principal, id: string, format: 'pdf' | 'csv', res: Response): Promise<void> {
    const answer = await this.reconciliations.report(caller, id, format);
    res.status(200);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    // A download is immutable evidence: never let a cache transform it.
    res.setHeader('Cache-Control', 'private, no-transform');
    await pipeline(answer.body, res);
  }
}

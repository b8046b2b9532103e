import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiPathParam, ApiProblems, ApiQueryFrom, pageOf } from '../http/api-docs';
import { CalendarDate, Page, SourceId } from '../http/inputs';
import { sendRelayedJson } from '../http/relayed-json';
import { validParam, validQuery } from '../http/zod-input';
import { Documents } from './documents';

const InvoiceQuery = z
  .strictObject({
    status: z.enum(['draft', 'approved', 'in_revision', 'cancelled']).optional(),
    syncStatus: z.string().regex(/^[a-z_]{1,32}$/, 'must be a sync status such as pending, pushed, failed').optional(),
    customerId: SourceId.optional(),
    issuedFrom: CalendarDate.optional(),
    issuedTo: CalendarDate.optional(),
    ...Page,
  })
  .refine((q) => !q.issuedFrom || !q.issuedTo || q.issuedFrom <= q.issuedTo, { message: 'must not be after issuedTo', path: ['issuedFrom'] });

@ApiTags('Documents')
@Controller('api/v1/invoices')
@ApiProblems(400)
export class InvoicesController {
  constructor(private readonly documents: Documents) {}

  @Get()
  @Allow('auditor')
  @ApiOperation({ summary: 'The found set of invoices, each with its sync state' })
  @ApiQueryFrom(InvoiceQuery)
  @ApiOkResponse({ description: 'A page of invoices', schema: pageOf({ type: 'object', description: '{ sourceId, number, customerId, issueDate, dueDate, currency, status, total, version, syncStatus, qboId, lastPushedVersion }' }) })
  async list(@Caller() caller: Principal, @Query(validQuery(InvoiceQuery)) query: z.infer<typeof InvoiceQuery>, @Res() res: Response): Promise<void> {
    sendRelayedJson(res, await this.documents.invoices(caller, query));
  }

  @Get(':sourceId')
  @Allow('auditor')
  @ApiOperation({ summary: '“More info”: syncStatus, qboId, pushedAt, lastPushedVersion, balance, balanceCheckedAt, paidOn, viewInQuickBooksUrl, export, problem' })
  @ApiPathParam('sourceId', SourceId)
  @ApiProblems(404)
  async one(@Caller() caller: Principal, @Param('sourceId', validParam('sourceId', SourceId)) sourceId: string, @Res() res: Response): Promise<void> {
    sendRelayedJson(res, await this.documents.invoice(caller, sourceId));
  }

  @Post(':sourceId/push')
  @HttpCode(202)
  @Allow('controller')
  @ApiOperation({ summary: 'Push or update this invoice now; answers its state (queued)' })
  @ApiPathParam('sourceId', SourceId)
  @ApiAcceptedResponse({ description: 'Queued for an immediate push' })
  @ApiProblems(404)
  push(@Caller() caller: Principal, @Param('sourceId', validParam('sourceId', SourceId)) sourceId: string) {
    return this.documents.push(caller, sourceId);
  }
}

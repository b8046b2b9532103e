import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiPathParam, ApiProblems, ApiQueryFrom, pageOf } from '../http/api-docs';
import { EntityType, Page, Uuid } from '../http/inputs';
import { sendRelayedJson } from '../http/relayed-json';
import { validBody, validParam, validQuery } from '../http/zod-input';
import { ProblemActionNames, ProblemSync } from './problem-sync';

const ProblemQuery = z.strictObject({
  entityType: EntityType.optional(),
  status: z.enum(['open', 'resolved', 'cleared', 'all']).optional(),
  ...Page,
});

const BulkBody = z.strictObject({
  action: z.enum(ProblemActionNames),
  ids: z
    .array(Uuid)
    .min(1, 'select at least one problem')
    .max(200, 'at most 200 problems per request')
    .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, 'must not repeat an id'),
});

const ProblemId = validParam('id', Uuid);

@ApiTags('Problem Sync')
@Controller('api/v1/problems')
@ApiProblems(400)
export class ProblemsController {
  constructor(private readonly problems: ProblemSync) {}

  @Get()
  @Allow('auditor')
  @ApiOperation({ summary: 'Documents that failed or need a decision, with a plain-language reason, the QuickBooks code, attempts and the allowed actions' })
  @ApiQueryFrom(ProblemQuery)
  @ApiOkResponse({ description: 'A page of problems', schema: pageOf({ type: 'object', description: '{ id, entityType, sourceId, kind, state, reason, qboErrorCode, qboMessage, attempts, allowedActions, details, firstSeenAt, lastSeenAt, resolvedAt, resolvedBy }' }) })
  async list(@Caller() caller: Principal, @Query(validQuery(ProblemQuery)) query: z.infer<typeof ProblemQuery>, @Res() res: Response): Promise<void> {
    sendRelayedJson(res, await this.problems.list(caller, query));
  }

  @Post('bulk')
  @HttpCode(200)
  @Allow('controller')
  @ApiOperation({ summary: 'One action on a selection of problems; answers a result per id (its new state, or why not)' })
  @ApiJsonBody(BulkBody)
  @ApiOkResponse({ description: '`{ action, succeeded, failed, results: [{ id, ok, status, state?, error? }] }`' })
  bulk(@Caller() caller: Principal, @Body(validBody(BulkBody)) body: z.infer<typeof BulkBody>) {
    return this.problems.bulk(caller, body.action, body.ids);
  }

  @Post(':id/resync')
  @HttpCode(200)
  @Allow('controller')
  @ApiOperation({ summary: 'Retry now; answers the document’s new state' })
  @ApiPathParam('id', Uuid)
  @ApiProblems(404)
  resync(@Caller() caller: Principal, @Param('id', ProblemId) id: string) {
    return this.problems.act(caller, id, 'resync');
  }

  @Post(':id/clear')
  @HttpCode(200)
  @Allow('controller')
  @ApiOperation({ summary: 'Drop from the queue without syncing (kept in history)' })
  @ApiPathParam('id', Uuid)
  @ApiProblems(404)
  clear(@Caller() caller: Principal, @Param('id', ProblemId) id: string) {
    return this.problems.act(caller, id, 'clear');
  }

  @Post(':id/mark-paid')
  @HttpCode(200)
  @Allow('controller')
  @ApiOperation({ summary: 'Invoices only: mark paid without syncing (payment applied outside the system)' })
  @ApiPathParam('id', Uuid)
  @ApiProblems(404, 409)
  markPaid(@Caller() caller: Principal, @Param('id', ProblemId) id: string) {
    return this.problems.act(caller, id, 'mark-paid');
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiProblems } from '../http/api-docs';
import { sendRelayedJson } from '../http/relayed-json';
import { Documents } from './documents';

/** An extension of CONTRACT.md §2: how far the sync has come, so a month-end run starts once it has settled. */
@ApiTags('Documents')
@Controller('api/v1/sync/status')
@ApiProblems(400)
export class SyncStatusController {
  constructor(private readonly documents: Documents) {}

  @Get()
  @Allow('auditor')
  @ApiOperation({
    summary:
      'Sync progress of the tenant: inbox outcomes and consumer lag, links by status and open problems per document type, the push queue (active vs blocked by an open problem), the unpublished outbox, and `settled`',
  })
  @ApiOkResponse({
    description:
      '`{ tenantId, settled, inbound: { accepted, stale, duplicate, lastReceivedAt, consumerLag }, documents: { customer|item|invoice|payment|credit-memo: { source, links: { <status>: n }, openProblems, queued } }, queue: { queued, active, blocked, nextDueAt }, problems: { open, byKind }, outbox: { unpublished }, checkedAt }`',
  })
  async status(@Caller() caller: Principal, @Res() res: Response): Promise<void> {
    sendRelayedJson(res, await this.documents.syncStatus(caller));
  }
}

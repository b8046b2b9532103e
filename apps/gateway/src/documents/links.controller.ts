import { Body, Controller, Delete, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiPathParam, ApiProblems } from '../http/api-docs';
import { EntityType, QboId, SourceId } from '../http/inputs';
import { validBody, validParam } from '../http/zod-input';
import { Documents } from './documents';

const LinkBody = z.strictObject({ qboId: QboId });

@ApiTags('Problem Sync')
@Controller('api/v1/links/:entityType/:sourceId')
@ApiProblems(400, 404)
export class LinksController {
  constructor(private readonly documents: Documents) {}

  @Put()
  @Allow('controller')
  @ApiOperation({ summary: 'Override the stored QuickBooks id; the next sync updates that record' })
  @ApiPathParam('entityType', EntityType)
  @ApiPathParam('sourceId', SourceId)
  @ApiJsonBody(LinkBody)
  override(
    @Caller() caller: Principal,
    @Param('entityType', validParam('entityType', EntityType)) entityType: string,
    @Param('sourceId', validParam('sourceId', SourceId)) sourceId: string,
    @Body(validBody(LinkBody)) body: z.infer<typeof LinkBody>,
  ) {
    return this.documents.overrideLink(caller, entityType, sourceId, body.qboId);
  }

  @Delete()
  @Allow('controller')
  @ApiOperation({ summary: 'Remove the stored QuickBooks id, so the next sync re-matches or re-creates' })
  @ApiPathParam('entityType', EntityType)
  @ApiPathParam('sourceId', SourceId)
  remove(
    @Caller() caller: Principal,
    @Param('entityType', validParam('entityType', EntityType)) entityType: string,
    @Param('sourceId', validParam('sourceId', SourceId)) sourceId: string,
  ) {
    return this.documents.removeLink(caller, entityType, sourceId);
  }
}

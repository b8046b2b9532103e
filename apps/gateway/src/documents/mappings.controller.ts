import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiPathParam, ApiProblems } from '../http/api-docs';
import { QboId, SourceId } from '../http/inputs';
import { validBody, validParam } from '../http/zod-input';
import { Documents } from './documents';

const MappingKind = z.enum(['customers', 'items', 'accounts']);
const MappingBody = z.strictObject({ qboId: QboId });

@ApiTags('Problem Sync')
@Controller('api/v1/mappings/:kind/:sourceId')
@ApiProblems(400, 404)
export class MappingsController {
  constructor(private readonly documents: Documents) {}

  @Get()
  @Allow('controller')
  @ApiOperation({ summary: 'The manual match of a customer, item or account to a QuickBooks id' })
  @ApiPathParam('kind', MappingKind)
  @ApiPathParam('sourceId', SourceId)
  get(
    @Caller() caller: Principal,
    @Param('kind', validParam('kind', MappingKind)) kind: z.infer<typeof MappingKind>,
    @Param('sourceId', validParam('sourceId', SourceId)) sourceId: string,
  ) {
    return this.documents.mapping(caller, kind, sourceId);
  }

  @Put()
  @Allow('controller')
  @ApiOperation({ summary: 'Match manually (resolves duplicate-match problems and retries the documents they blocked)' })
  @ApiPathParam('kind', MappingKind)
  @ApiPathParam('sourceId', SourceId)
  @ApiJsonBody(MappingBody)
  put(
    @Caller() caller: Principal,
    @Param('kind', validParam('kind', MappingKind)) kind: z.infer<typeof MappingKind>,
    @Param('sourceId', validParam('sourceId', SourceId)) sourceId: string,
    @Body(validBody(MappingBody)) body: z.infer<typeof MappingBody>,
  ) {
    return this.documents.map(caller, kind, sourceId, body.qboId);
  }
}

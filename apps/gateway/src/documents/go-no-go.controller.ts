import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiProblems } from '../http/api-docs';
import { CalendarDate, SourceId } from '../http/inputs';
import { validBody } from '../http/zod-input';
import { Documents } from './documents';

const ExportFlagsBody = z
  .strictObject({
    sourceIds: z.array(SourceId).min(1).max(1000).optional(),
    before: CalendarDate.optional(),
    export: z.boolean(),
  })
  .refine((b) => (b.sourceIds === undefined) !== (b.before === undefined), { message: 'give either sourceIds or before', path: ['sourceIds'] });

const InSyncPointBody = z.strictObject({ date: CalendarDate.nullable() });

@ApiTags('Documents')
@Controller('api/v1')
@ApiProblems(400)
export class GoNoGoController {
  constructor(private readonly documents: Documents) {}

  @Put('export-flags')
  @Allow('controller')
  @ApiOperation({ summary: 'Go / no-go: one by one (sourceIds) or everything before a date' })
  @ApiJsonBody(ExportFlagsBody)
  exportFlags(@Caller() caller: Principal, @Body(validBody(ExportFlagsBody)) body: z.infer<typeof ExportFlagsBody>) {
    return this.documents.setExportFlags(caller, body);
  }

  @Get('in-sync-point')
  @Allow('auditor')
  @ApiOperation({ summary: 'The cut-over date: transactions before it are no-go unless marked otherwise' })
  inSyncPoint(@Caller() caller: Principal) {
    return this.documents.inSyncPoint(caller);
  }

  @Put('in-sync-point')
  @Allow('controller')
  @ApiOperation({ summary: 'Set the cut-over date (null removes it)' })
  @ApiJsonBody(InSyncPointBody)
  setInSyncPoint(@Caller() caller: Principal, @Body(validBody(InSyncPointBody)) body: z.infer<typeof InSyncPointBody>) {
    return this.documents.setInSyncPoint(caller, body.date);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiProblems, ApiQueryFrom, pageOf } from '../http/api-docs';
import { CalendarDate, Page } from '../http/inputs';
import { validQuery } from '../http/zod-input';
import { AuditLog } from './audit-log';

const AuditQuery = z
  .strictObject({
    action: z.string().regex(/^[a-z_]+\.[a-z_-]+$/, 'must be an action such as problem.resync').optional(),
    targetType: z.string().regex(/^[a-z_-]{1,32}$/, 'must be a target type such as problem').optional(),
    targetId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@#+ -]{0,199}$/, 'must be a target id').optional(),
    from: CalendarDate.optional(),
    to: CalendarDate.optional(),
    ...Page,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after to', path: ['from'] });

@ApiTags('Audit')
@Controller('api/v1/audit-events')
@ApiProblems(400)
export class AuditEventsController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Allow('auditor')
  @ApiOperation({ summary: 'The tenant’s append-only, hash-chained log of every action, newest first: who (key id, role), what, target, before/after, outcome, when, prevHash, hash' })
  @ApiQueryFrom(AuditQuery)
  @ApiOkResponse({ description: 'A page of audit events', schema: pageOf({ type: 'object', description: '{ seq, at, actor: { keyId, role }, action, target: { type, id }, request, before, after, outcome, prevHash, hash }' }) })
  list(@Caller() caller: Principal, @Query(validQuery(AuditQuery)) query: z.infer<typeof AuditQuery>) {
    return this.audit.list(caller.tenantId, query);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Allow, Caller, type Principal } from '../auth/principal';
import { ApiJsonBody, ApiPathParam, ApiProblems, ApiQueryFrom, pageOf } from '../http/api-docs';
import { CalendarDate, Page, SourceId, Uuid } from '../http/inputs';
import { validBody, validParam, validQuery } from '../http/zod-input';
import { Jobs } from './jobs';

const InvoiceFilter = z
  .strictObject({
    status: z.enum(['draft', 'approved', 'in_revision', 'cancelled']).optional(),
    syncStatus: z.string().regex(/^[a-z_]{1,32}$/, 'must be a sync status such as pending, pushed, failed').optional(),
    customerId: SourceId.optional(),
    issuedFrom: CalendarDate.optional(),
    issuedTo: CalendarDate.optional(),
  })
  .refine((f) => !f.issuedFrom || !f.issuedTo || f.issuedFrom <= f.issuedTo, { message: 'must not be after issuedTo', path: ['issuedFrom'] });

/** One invoice, a found set, or (empty body) every pushed invoice. */
const BalancePullBody = z.preprocess(
  (body) => body ?? {},
  z
    .strictObject({
      invoiceIds: z
        .array(SourceId)
        .min(1)
        .max(1000)
        .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
        .optional(),
      filter: InvoiceFilter.optional(),
    })
    .refine((b) => !(b.invoiceIds && b.filter), { message: 'give invoiceIds or filter, not both', path: ['filter'] }),
);

/** QuickBooks keeps payments by day; a year per import keeps one job's pull bounded. */
const PaymentImportBody = z
  .strictObject({ from: CalendarDate, to: CalendarDate })
  .refine((b) => b.from <= b.to, { message: 'must not be after to', path: ['from'] })
  .refine((b) => Date.parse(b.to) - Date.parse(b.from) <= 366 * 86_400_000, { message: 'the range may span at most 366 days', path: ['to'] });

const JobQuery = z.strictObject({
  state: z.enum(['queued', 'running', 'completed', 'failed']).optional(),
  kind: z.enum(['balance_pull', 'payment_import']).optional(),
  ...Page,
});

@ApiTags('Jobs')
@Controller('api/v1')
@ApiProblems(400)
export class JobsController {
  constructor(private readonly jobs: Jobs) {}

  @Post('invoices/balances/pull')
  @HttpCode(202)
  @Allow('controller')
  @ApiOperation({ summary: 'Pull balances for invoices (ids, a found set, or every pushed one); answers a job. The pull itself is done by the pull path (not yet built): the job stays queued until then.' })
  @ApiJsonBody(BalancePullBody)
  @ApiAcceptedResponse({ description: '`{ id, kind, state: queued, total, done, failed, … }`' })
  pullBalances(@Caller() caller: Principal, @Body(validBody(BalancePullBody)) body: z.infer<typeof BalancePullBody>) {
    const scope = body.invoiceIds ? { invoiceIds: body.invoiceIds } : body.filter ? { filter: body.filter } : { all: true };
    return this.jobs.enqueue(caller, 'balance_pull', scope, body.invoiceIds?.length ?? 0);
  }

  @Post('payments/import')
  @HttpCode(202)
  @Allow('controller')
  @ApiOperation({ summary: 'Import payments recorded in QuickBooks in a date range; answers a job (queued for the pull path, not yet built)' })
  @ApiJsonBody(PaymentImportBody)
  @ApiAcceptedResponse({ description: '`{ id, kind, state: queued, total, done, failed, … }`' })
  importPayments(@Caller() caller: Principal, @Body(validBody(PaymentImportBody)) body: z.infer<typeof PaymentImportBody>) {
    return this.jobs.enqueue(caller, 'payment_import', body, 0);
  }

  @Get('jobs')
  @Allow('auditor')
  @ApiOperation({ summary: 'Long jobs of the tenant, newest first' })
  @ApiQueryFrom(JobQuery)
  @ApiOkResponse({ description: 'A page of jobs', schema: pageOf({ type: 'object', description: '{ id, kind, state, total, done, failed, params, error, createdBy, createdAt, updatedAt }' }) })
  list(@Caller() caller: Principal, @Query(validQuery(JobQuery)) query: z.infer<typeof JobQuery>) {
    return this.jobs.list(caller.tenantId, query);
  }

  @Get('jobs/:id')
  @Allow('auditor')
  @ApiOperation({ summary: 'Progress of a long job: `{ id, total, done, failed, state }`' })
  @ApiPathParam('id', Uuid)
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', validParam('id', Uuid)) id: string) {
    return this.jobs.get(caller.tenantId, id);
  }
}

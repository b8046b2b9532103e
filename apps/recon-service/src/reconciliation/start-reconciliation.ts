import { minorDigitsOf } from '@arbiter/domain';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RECON_CONFIG, type ReconConfig } from '../config';
import { ReconDatabase } from '../database';
import { ReconError } from '../errors';
import type { StartReconciliationBody } from '../http/reconciliation-requests';
import { QBO_COMPANIES, type QboCompanies } from '../qbo/qbo-companies';
import { insertRun } from './run-store';
import { RunWorker } from './run-worker';

/** Queues a run on demand; the worker starts it when the tenant has no other run in progress. */
@Injectable()
export class StartReconciliation {
  private readonly logger = new Logger(StartReconciliation.name);

  constructor(
    private readonly db: ReconDatabase,
    private readonly worker: RunWorker,
    @Inject(QBO_COMPANIES) private readonly companies: QboCompanies,
    @Inject(RECON_CONFIG) private readonly config: ReconConfig,
  ) {}

  /**
   * @throws ReconError INVALID_REQUEST (a date in the future, a tolerance finer than the currency),
   *   TENANT_NOT_CONNECTED (no QuickBooks company to compare with)
   */
  async execute(tenantId: string, request: StartReconciliationBody, today = new Date().toISOString().slice(0, 10)): Promise<{ id: string }> {
    if (request.asOf > today) throw new ReconError('INVALID_REQUEST', `invalid request: asOf (${request.asOf} is in the future)`, [{ field: 'asOf', message: `${request.asOf} is in the future` }]);
    const tolerance = request.tolerance ?? this.config.RECON_TOLERANCE;
    const digits = request.currency ? minorDigitsOf(request.currency) : 2;
    const fraction = tolerance.split('.')[1]?.replace(/0+$/, '') ?? '';
    if (fraction.length > digits) {
      throw new ReconError('INVALID_REQUEST', `invalid request: tolerance (at most ${digits} fraction digits)`, [{ field: 'tolerance', message: `at most ${digits} fraction digits` }]);
    }
    await this.companies.companyFor(tenantId);
    const id = randomUUID();
    await insertRun(this.db.query, {
      id,
      tenantId,
      asOf: request.asOf,
      agingBasis: request.agingBasis ?? 'due_date',
      periodDays: request.agingPeriodDays ?? 30,
      periodCount: request.agingPeriods ?? 4,
      tolerance,
      currency: request.currency ?? null,
      trigger: 'api',
    });
    this.logger.log(`reconciliation requested runId=${id} tenantId=${tenantId} asOf=${request.asOf}`);
    this.worker.kick();
    return { id };
  }
}

import type { Sql } from '../sql';

/** The job as claimed: its key and the claim's lease id (absent when a document is pushed outside the queue). */
export interface LeasedJob {
  tenantId: string;
  entityType: string;
  sourceId: string;
  leaseId?: string;
}

/** The claim was taken over by another worker (this one stalled past its lease): nothing of this push may commit. */
export class LeaseLostError extends Error {
  constructor(job: LeasedJob) {
    super(`lease on ${job.entityType} ${job.sourceId} was taken over by another worker; this push commits nothing`);
    this.name = 'LeaseLostError';
  }
}

/**
 * True while the job's row still carries this claim's lease id. Locks the row until the transaction ends, so a
 * claim by another replica (which skips locked rows) cannot slip in between this check and the commit.
 */
export async function holdsLease(sql: Sql, job: LeasedJob): Promise<boolean> {
  if (!job.leaseId) return true;
  const rows = await sql(`select 1 from sync_job where tenant_id = ? and entity_type = ? and source_id = ? and lease_id = ? for update`, [
    job.tenantId, job.entityType, job.sourceId, job.leaseId,
  ]);
  return rows.length > 0;
}

/** The fence in every transaction that records a push's outcome. @throws LeaseLostError */
export async function assertLease(sql: Sql, job: LeasedJob): Promise<void> {
  if (!(await holdsLease(sql, job))) throw new LeaseLostError(job);
}

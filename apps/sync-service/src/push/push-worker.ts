import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SYNC_CONFIG, type SyncConfig } from '../config';
import { inTransaction, sqlOf } from '../sql';
import { holdsLease } from './lease';
import { recordProblem } from './problems';
import { classifyFailure } from './push-failure';
import { PushDocument, type SyncJob } from './push-document';

/**
 * Drains the push queue: claims due jobs (`FOR UPDATE SKIP LOCKED`, so replicas never take the same one),
 * tenants taking turns (each tenant's oldest due job first, then each one's second, …: one tenant's backlog
 * cannot starve the others), pushes them concurrently — each realm's pace is set by the QuickBooks client's
 * limiter, so a throttled or disconnected realm only delays its own jobs — and completes, reschedules or parks
 * each one.
 *
 * A claim is a lease (`PUSH_LEASE_MS`, 30 s) with its own id, renewed every third of it while the push runs: a
 * killed replica's jobs come back within one lease. Every write that settles a job is fenced by the lease id,
 * so a worker that lost its lease (stalled past it, and another replica took the job over) commits nothing.
 */
@Injectable()
export class PushWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PushWorker.name);
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly push: PushDocument,
    @Inject(SYNC_CONFIG) private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.PUSH_ENABLED) this.loop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]); // finish in-flight pushes before the pools close
  }

  private loop(): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      try {
        await this.tick();
      } catch (error) {
        this.logger.error(`push poll failed: ${(error as Error).message}`);
      }
      this.loop();
    }, this.config.PUSH_POLL_INTERVAL_MS);
  }

  /** Claims as many due jobs as there are free slots and starts them; returns how many started. */
  async tick(): Promise<number> {
    const free = this.config.PUSH_CONCURRENCY - this.inFlight.size;
    if (free <= 0 || this.stopped) return 0;
    const leaseId = randomUUID();
    const jobs = await inTransaction(this.em, (sql) =>
      sql<{ tenant_id: string; entity_type: SyncJob['entityType']; source_id: string; version: number; reason: string; attempts: number }>(
        `update sync_job j set locked_until = now() + (? || ' milliseconds')::interval, lease_id = ?, attempts = j.attempts + 1
         from (select s.tenant_id, s.entity_type, s.source_id from sync_job s
               join (select tenant_id, entity_type, source_id, due_at,
                            row_number() over (partition by tenant_id order by due_at, entity_type, source_id) as turn
                     from sync_job where due_at <= now() and (locked_until is null or locked_until < now())) ranked
                 on ranked.tenant_id = s.tenant_id and ranked.entity_type = s.entity_type and ranked.source_id = s.source_id
               where s.due_at <= now() and (s.locked_until is null or s.locked_until < now())
               order by ranked.turn, ranked.due_at, s.tenant_id limit ? for update of s skip locked) due
         where j.tenant_id = due.tenant_id and j.entity_type = due.entity_type and j.source_id = due.source_id
         returning j.tenant_id, j.entity_type, j.source_id, j.version, j.reason, j.attempts`,
        [String(this.config.PUSH_LEASE_MS), leaseId, free],
      ),
    );
    for (const row of jobs) {
      const job: SyncJob = { tenantId: row.tenant_id, entityType: row.entity_type, sourceId: row.source_id, version: row.version, reason: row.reason, attempts: row.attempts, leaseId };
      const run = this.runOne(job).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }
    return jobs.length;
  }

  private async runOne(job: SyncJob): Promise<void> {
    const state = { settling: false };
    const heartbeat = setInterval(() => {
      this.renew(job, state).catch((e) => this.logger.warn(`lease renewal failed entity=${job.entityType} sourceId=${job.sourceId}: ${(e as Error).message}`));
    }, Math.floor(this.config.PUSH_LEASE_MS / 3));
    try {
      await this.push.run(job);
      state.settling = true;
      await this.complete(job);
    } catch (error) {
      state.settling = true;
      await this.fail(job, error).catch((e) => this.logger.error(`could not record push failure: ${(e as Error).message}`));
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Heartbeat: extends the lease while it is still ours. */
  private async renew(job: SyncJob, state: { settling: boolean }): Promise<void> {
    if (state.settling) return;
    const renewed = await sqlOf(this.em)(
      `update sync_job set locked_until = now() + (? || ' milliseconds')::interval where tenant_id = ? and entity_type = ? and source_id = ? and lease_id = ? returning 1`,
      [String(this.config.PUSH_LEASE_MS), job.tenantId, job.entityType, job.sourceId, job.leaseId],
    );
    // Settled meanwhile (the row went with the completion) is not a lost lease.
    if (renewed.length === 0 && !state.settling) {
      this.logger.warn(`lease lost entity=${job.entityType} sourceId=${job.sourceId}: another worker owns the job; this one will not commit`);
    }
  }

  /** Done: drop the job unless a newer version arrived meanwhile (then it stays queued, due now). Only while the lease is ours. */
  private async complete(job: SyncJob): Promise<void> {
    const removed = await sqlOf(this.em)(
      `delete from sync_job where tenant_id = ? and entity_type = ? and source_id = ? and version = ? and reason = ? and lease_id = ? returning 1`,
      [job.tenantId, job.entityType, job.sourceId, job.version, job.reason, job.leaseId],
    );
    if (removed.length === 0) {
      await sqlOf(this.em)(`update sync_job set locked_until = null, lease_id = null where tenant_id = ? and entity_type = ? and source_id = ? and lease_id = ?`, [
        job.tenantId, job.entityType, job.sourceId, job.leaseId,
      ]);
    }
  }

  private async fail(job: SyncJob, error: unknown): Promise<void> {
    const decision = classifyFailure(error, job.attempts);
    const held = await inTransaction(this.em, async (sql) => {
      if (!(await holdsLease(sql, job))) return false; // another worker owns the job now: its outcome counts
      if (decision.retry) {
        await sql(`update sync_job set due_at = now() + (? || ' milliseconds')::interval, locked_until = null, lease_id = null where tenant_id = ? and entity_type = ? and source_id = ?`, [
          String(decision.delayMs), job.tenantId, job.entityType, job.sourceId,
        ]);
        if (decision.persistentKind) {
          await recordProblem(sql, { tenantId: job.tenantId, entityType: job.entityType, sourceId: job.sourceId, kind: decision.persistentKind, reason: decision.reason, entityVersion: job.version });
        }
        return true;
      }
      const p = decision.problem;
      await recordProblem(sql, {
        tenantId: job.tenantId, entityType: job.entityType, sourceId: job.sourceId, kind: p.kind, reason: p.message,
        qboCode: p.qbo?.code, qboMessage: p.qbo?.message, details: p.details, entityVersion: job.version,
      });
      await sql(`delete from sync_job where tenant_id = ? and entity_type = ? and source_id = ? and version = ?`, [job.tenantId, job.entityType, job.sourceId, job.version]);
      return true;
    });
    if (!held) this.logger.warn(`push outcome dropped entity=${job.entityType} sourceId=${job.sourceId}: lease lost (${(error as Error).message})`);
    else if (decision.retry) this.logger.warn(`push will retry entity=${job.entityType} sourceId=${job.sourceId} attempt=${job.attempts} in=${decision.delayMs}ms: ${decision.reason}`);
    else this.logger.warn(`push problem kind=${decision.problem.kind} entity=${job.entityType} sourceId=${job.sourceId}: ${decision.problem.message}`);
  }
}

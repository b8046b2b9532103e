import { DomainError } from '@arbiter/domain';
import { QboError } from '@arbiter/qbo-client';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { RECON_CONFIG, type ReconConfig } from '../config';
import { ReconDatabase } from '../database';
import { RunFailure } from '../errors';
import { RunReconciliation } from './run-reconciliation';
import { findRun, updateRun } from './run-store';

/** First key of every run lock (`pg_advisory_lock(int, int)`); the second is `hashtext(run id)`. */
const RUN_LOCK_CLASS = 720_261_123;
/** Transient failures are retried after base, 2 × base, 4 × base, … (5 s, 10 s, 20 s by default), at most 5 minutes. */
const backoffMs = (attempt: number, baseMs: number): number => Math.min(baseMs * 2 ** (attempt - 1), 300_000);

const isUniqueViolation = (error: unknown): boolean => (error as { code?: string } | null)?.code === '23505';

/**
 * Executes runs, at most `RECON_CONCURRENCY` at a time in this replica and one at a time per tenant in the whole
 * cluster. A run is executed while its session-level advisory lock is held on a connection of its own: if the process
 * dies, PostgreSQL drops the connection and the lock with it, and the next poll (in any replica, this one after a
 * restart) finds the run still `running` and unlocked, and resumes it from its last committed phase and checkpoint.
 * The database enforces the per-tenant rule: a partial unique index allows one `running` run per tenant.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunWorker.name);
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  private stopping = false;

  constructor(
    private readonly db: ReconDatabase,
    private readonly runs: RunReconciliation,
    @Inject(RECON_CONFIG) private readonly config: ReconConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.RECON_POLL_INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Looks for work now (after a run is requested or finished) instead of at the next tick. */
  kick(): void {
    if (this.stopping) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    void this.poll();
  }

  /** Runs this replica is executing. */
  get activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        const free = this.config.RECON_CONCURRENCY - this.active.size;
        if (free <= 0) return;
        const candidates = await this.db.query<{ id: string }>(
          `select id from run
           where (state = 'running' and (retry_at is null or retry_at <= now()))
              or (state = 'queued' and not exists (select 1 from run r where r.tenant_id = run.tenant_id and r.state = 'running'))
           order by created_at, id limit $1`,
          [free + this.active.size + 8],
        );
        for (const { id } of candidates) {
          if (this.stopping || this.active.size >= this.config.RECON_CONCURRENCY) break;
          if (!this.active.has(id)) await this.tryStart(id);
        }
      } while (this.pollAgain && !this.stopping);
    } catch (error) {
      this.logger.warn(`poll failed reason=${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.polling = false;
    }
  }

  private async tryStart(runId: string): Promise<void> {
    const client = await this.db.pool.connect();
    let locked = false;
    try {
      locked = (await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as locked', [RUN_LOCK_CLASS, runId])).rows[0].locked;
      if (!locked) return this.release(client, false, runId);
      // Claim under the lock: a queued run starts (refused while its tenant has another running), a running one resumes.
      const claimed = await client.query(
        `update run set state = 'running', phase = case when phase = 'queued' then 'load_source' else phase end, started_at = coalesce(started_at, now())
         where id = $1 and (state = 'queued' or state = 'running') returning phase`,
        [runId],
      );
      if (claimed.rowCount === 0) return this.release(client, true, runId);
      this.logger.log(`run claimed runId=${runId} phase=${claimed.rows[0].phase}`);
    } catch (error) {
      await this.release(client, locked, runId);
      if (!isUniqueViolation(error)) this.logger.warn(`claim failed runId=${runId} reason=${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const controller = new AbortController();
    const done = this.executeLocked(runId, client, controller.signal).finally(() => {
      this.active.delete(runId);
      this.kick();
    });
    this.active.set(runId, { controller, done });
  }

  private async executeLocked(runId: string, client: PoolClient, signal: AbortSignal): Promise<void> {
    try {
      await this.runs.execute(runId, signal);
    } catch (error) {
      await this.handleFailure(runId, error, signal).catch((inner: unknown) =>
        this.logger.error(`could not record a failure runId=${runId} reason=${inner instanceof Error ? inner.message : String(inner)}`),
      );
    } finally {
      await this.release(client, true, runId);
    }
  }

  private async handleFailure(runId: string, error: unknown, signal: AbortSignal): Promise<void> {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (signal.aborted) {
      this.logger.log(`run stopped for shutdown, resumable runId=${runId}`);
      return;
    }
    if (error instanceof RunFailure) return this.runs.fail(runId, error);
    if (error instanceof DomainError) return this.runs.fail(runId, new RunFailure('INVALID_DATA', reason));
    if (error instanceof QboError && error.kind !== 'transient') return this.runs.fail(runId, new RunFailure('QBO_ERROR', reason));
    const run = await findRun(this.db.query, runId);
    if (!run) return;
    const attempts = run.attempts + 1;
    if (attempts >= this.config.RECON_MAX_ATTEMPTS) {
      return this.runs.fail(runId, new RunFailure('TOO_MANY_ATTEMPTS', `gave up after ${attempts} attempts; last error ${reason}`));
    }
    const retryAt = new Date(Date.now() + backoffMs(attempts, this.config.RECON_RETRY_BASE_MS)).toISOString();
    await updateRun(this.db.query, runId, { attempts, lastError: reason, retryAt });
    this.logger.warn(`run will retry runId=${runId} attempt=${attempts} retryAt=${retryAt} reason=${reason}`);
  }

  private async release(client: PoolClient, locked: boolean, runId: string): Promise<void> {
    try {
      if (locked) await client.query('select pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK_CLASS, runId]);
      client.release();
    } catch {
      client.release(true); // a broken connection takes its lock with it
    }
  }

  /**
   * Stops polling, aborts the runs in progress at their next checkpoint and waits for them (they resume later), before
   * any shutdown hook closes the pool or the producer.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    for (const { controller } of this.active.values()) controller.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }
}

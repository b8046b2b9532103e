import { addDays } from '@arbiter/domain';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { RECON_CONFIG, type ReconConfig } from '../config';
import { ReconDatabase } from '../database';
import { RunWorker } from '../reconciliation/run-worker';
import { type CronSchedule, parseCron } from './cron';

const MINUTE_MS = 60_000;
/** Checked this often; a firing minute is never missed while the process runs, and never fired twice. */
const TICK_MS = 10_000;

/**
 * Queues a run for every connected tenant at each minute `RECON_SCHEDULE` (UTC) names. Replicas race harmlessly: a
 * unique index on (tenant, schedule minute) lets the first insert win. Minutes that pass while no replica runs are
 * not caught up (the next firing covers the same books).
 */
@Injectable()
export class ReconScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconScheduler.name);
  private readonly cron: CronSchedule;
  private timer: NodeJS.Timeout | undefined;
  /** Last minute (epoch minutes) already considered. */
  private lastMinute = Math.floor(Date.now() / MINUTE_MS);

  constructor(
    private readonly db: ReconDatabase,
    private readonly worker: RunWorker,
    @Inject(RECON_CONFIG) private readonly config: ReconConfig,
  ) {
    this.cron = parseCron(config.RECON_SCHEDULE);
  }

  onApplicationBootstrap(): void {
    this.lastMinute = Math.floor(Date.now() / MINUTE_MS);
    this.timer = setInterval(() => void this.tick(new Date()), TICK_MS);
    this.timer.unref();
    this.logger.log(`schedule armed cron="${this.cron.expression}" next=${this.cron.next(new Date()).toISOString()}`);
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Fires every due minute after the last one considered, up to `now`. */
  async tick(now: Date): Promise<void> {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const from = this.lastMinute + 1;
    this.lastMinute = Math.max(this.lastMinute, minute);
    for (let m = from; m <= minute; m++) {
      const slot = new Date(m * MINUTE_MS);
      if (this.cron.matches(slot)) await this.fire(slot).catch((error: unknown) => this.logger.error(`scheduled runs not queued slot=${slot.toISOString()} reason=${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /** Queues one run per connected tenant for `slot`; returns how many were new. */
  async fire(slot: Date): Promise<number> {
    const asOf = scheduledAsOf(slot, this.config.RECON_SCHEDULE_AS_OF);
    const rows = await this.db.query(
      `insert into run (id, tenant_id, as_of, aging_basis, period_days, period_count, tolerance, trigger, schedule_slot, state, phase)
       select gen_random_uuid(), c.tenant_id, $1::date, 'due_date', 30, 4, $2, 'schedule', $3, 'queued', 'queued'
       from ${this.db.syncSchema}.tenant_connection c where c.state = 'connected'
       on conflict do nothing
       returning id`,
      [asOf, this.config.RECON_TOLERANCE, slot.toISOString()],
    );
    this.logger.log(`scheduled runs queued slot=${slot.toISOString()} asOf=${asOf} runs=${rows.length}`);
    if (rows.length > 0) this.worker.kick();
    return rows.length;
  }
}

/** The books a scheduled run closes: the day before it fires, or the last day of the month before. */
export function scheduledAsOf(slot: Date, rule: ReconConfig['RECON_SCHEDULE_AS_OF']): string {
  const day = slot.toISOString().slice(0, 10);
  return rule === 'previous_day' ? addDays(day, -1) : addDays(`${day.slice(0, 8)}01`, -1);
}

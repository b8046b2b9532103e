import { renderQboRateBudgetDdl } from '@arbiter/qbo-client';
import { Migration } from '@mikro-orm/migrations';
import { QBO_RATE_BUCKETS_DDL_2026_11_22 } from './Migration20261122000200_qbo_connection';

/**
 * Why: the bucketed rate budget (six 10 s buckets plus the current one) let a realm spend its 475 requests only
 * once per ~70 s, 81 % of QuickBooks' ceiling end to end; an exact sliding log (one row per grant, decided and
 * recorded by `qbo_rate_acquire` in one round trip, with a per-realm row for locking and the shared 429 pause)
 * replaces it. In-flight requests at deploy time are not carried over: old replicas' leases simply stop counting.
 */
export class Migration20261207121500_qbo_rate_sliding_log extends Migration {
  override async up(): Promise<void> {
    const schema = this.config.get('schema') ?? 'sync';
    this.addSql(`drop table if exists "${schema}"."qbo_rate_lease"; drop table if exists "${schema}"."qbo_rate_window";`);
    this.addSql(renderQboRateBudgetDdl(schema));
  }

  override async down(): Promise<void> {
    const schema = this.config.get('schema') ?? 'sync';
    this.addSql(
      `drop function if exists "${schema}".qbo_rate_acquire(text, uuid, integer, boolean, integer, integer, integer, integer, integer, integer, timestamptz);` +
        ` drop table if exists "${schema}"."qbo_rate_grant"; drop table if exists "${schema}"."qbo_rate_realm";`,
    );
    this.addSql(QBO_RATE_BUCKETS_DDL_2026_11_22.replaceAll('__SCHEMA__', schema));
  }
}

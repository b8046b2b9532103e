import { Migration } from '@mikro-orm/migrations';

/**
 * Why: crash safety of the push. `sync_job.lease_id` fences a claim (a worker whose lease was taken over must not
 * commit); `qbo_create_attempt` is written and committed BEFORE a QuickBooks create, so after a crash the next
 * attempt knows the create may have landed and looks for it instead of creating a second document.
 */
export class Migration20261207130000_push_crash_safety extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sync_job" add column "lease_id" uuid null;`);
    this.addSql(`create index "sync_job_tenant_due_index" on "sync_job" ("tenant_id", "due_at");`);
    // One row per document (and per derived document, e.g. a credit memo's application payment): the latest create.
    this.addSql(`create table "qbo_create_attempt" ("tenant_id" varchar(64) not null, "document" varchar(32) not null,
      "source_id" varchar(128) not null, "version" int not null, "request_id" varchar(64) not null,
      "started_at" timestamptz not null default now(), "tries" int not null default 1,
      primary key ("tenant_id", "document", "source_id"));`);
    // Documents already created, or queued while this migration runs, may have a create behind them: look first.
    this.addSql(`insert into "qbo_create_attempt" ("tenant_id", "document", "source_id", "version", "request_id", "started_at")
      select "tenant_id", "entity_type", "source_id", coalesce("pushed_version", 0), 'before-migration', coalesce("pushed_at", now())
      from "sync_link" where "entity_type" in ('invoice', 'payment', 'credit-memo') and "qbo_id" is not null
      union
      select "tenant_id", 'credit-memo-application', "source_id", coalesce("pushed_version", 0), 'before-migration', coalesce("pushed_at", now())
      from "sync_link" where "entity_type" = 'credit-memo' and "qbo_id" is not null
      union
      select "tenant_id", "entity_type", "source_id", "version", 'before-migration', now()
      from "sync_job" where "entity_type" in ('invoice', 'payment', 'credit-memo')
      on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "qbo_create_attempt";');
    this.addSql('drop index if exists "sync_job_tenant_due_index";');
    this.addSql('alter table "sync_job" drop column if exists "lease_id";');
  }
}

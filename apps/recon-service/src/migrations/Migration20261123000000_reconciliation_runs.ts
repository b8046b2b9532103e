import { Migration } from '@mikro-orm/migrations';

/**
 * Why: a reconciliation run is an audit record. It keeps the snapshot of both sides it compared (so a crashed run
 * resumes to the same answer and an auditor can see the inputs), its results, its discrepancies and its rendered
 * reports with their SHA-256; once finished, none of it can change (triggers, not just application code).
 */
export class Migration20261123000000_reconciliation_runs extends Migration {
  override async up(): Promise<void> {
    // Trigger bodies run with the caller's search_path: they name their table with the schema.
    const schema = this.config.get('schema') ?? 'recon';
    this.addSql(`create table "run" (
      "id" uuid not null primary key,
      "tenant_id" varchar(64) not null,
      "as_of" date not null,
      "aging_basis" varchar(16) not null,
      "period_days" int not null,
      "period_count" int not null,
      "tolerance" numeric(19,4) not null,
      "requested_currency" char(3) null,
      "trigger" varchar(16) not null,
      "schedule_slot" timestamptz null,
      "state" varchar(16) not null,
      "phase" varchar(16) not null,
      "checkpoint" jsonb not null default '{}',
      "progress_done" int not null default 0,
      "progress_total" int not null default 0,
      "attempts" int not null default 0,
      "retry_at" timestamptz null,
      "last_error" text null,
      "realm_id" varchar(32) null,
      "currency" char(3) null,
      "in_sync_point" date null,
      "qbo_report" jsonb null,
      "status" varchar(16) null,
      "result" jsonb null,
      "data_sha256" char(64) null,
      "report_sha256" char(64) null,
      "csv_sha256" char(64) null,
      "failure" jsonb null,
      "created_at" timestamptz not null default now(),
      "started_at" timestamptz null,
      "computed_at" timestamptz null,
      "finished_at" timestamptz null,
      constraint "run_state_check" check ("state" in ('queued', 'running', 'completed', 'failed')),
      constraint "run_basis_check" check ("aging_basis" in ('due_date', 'issue_date')));`);
    // One run at a time per tenant: a second one stays queued until the first finishes.
    this.addSql(`create unique index "run_one_running_per_tenant" on "run" ("tenant_id") where "state" = 'running';`);
    // A schedule fires once per tenant and minute, however many replicas see it.
    this.addSql(`create unique index "run_schedule_slot_unique" on "run" ("tenant_id", "schedule_slot") where "schedule_slot" is not null;`);
    this.addSql(`create index "run_tenant_list_index" on "run" ("tenant_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "run_pending_index" on "run" ("created_at") where "state" in ('queued', 'running');`);

    // The snapshot: every document of both sides as of the run date ('s' = source ledger, 'q' = QuickBooks).
    this.addSql(`create table "run_item" (
      "run_id" uuid not null references "run" ("id"),
      "side" char(1) not null,
      "kind" varchar(16) not null,
      "id" varchar(128) not null,
      "customer_id" varchar(128) not null,
      "number" varchar(64) null,
      "txn_date" date not null,
      "due_date" date not null,
      "currency" char(3) not null,
      "total" numeric(19,4) not null,
      "open" numeric(19,4) null,
      "voided" boolean not null default false,
      "linked_qbo_id" varchar(32) null,
      "opening" boolean not null default false,
      primary key ("run_id", "side", "kind", "id"));`);
    // QuickBooks payment lines: how much of each payment went to which invoice or credit memo (the as-of arithmetic).
    this.addSql(`create table "run_qbo_application" (
      "run_id" uuid not null references "run" ("id"),
      "payment_id" varchar(32) not null,
      "line" int not null,
      "target_kind" varchar(16) not null,
      "target_id" varchar(32) not null,
      "amount" numeric(19,4) not null,
      primary key ("run_id", "payment_id", "line"));`);
    this.addSql(`create table "run_customer" (
      "run_id" uuid not null references "run" ("id"),
      "side" char(1) not null,
      "id" varchar(128) not null,
      "name" varchar(500) not null,
      "qbo_id" varchar(32) null,
      primary key ("run_id", "side", "id"));`);
    // QuickBooks ids the sync-service linked to platform documents this run leaves out (cancelled, draft, no-go…).
    this.addSql(`create table "run_link" (
      "run_id" uuid not null references "run" ("id"),
      "kind" varchar(16) not null,
      "qbo_id" varchar(32) not null,
      "source_id" varchar(128) not null,
      "source_state" varchar(64) not null,
      primary key ("run_id", "kind", "qbo_id"));`);

    this.addSql(`create table "run_customer_result" (
      "run_id" uuid not null references "run" ("id"),
      "seq" int not null,
      "customer_id" varchar(128) null,
      "qbo_customer_id" varchar(32) null,
      "name" varchar(500) null,
      "differs" boolean not null,
      "buckets" jsonb not null,
      "totals" jsonb not null,
      primary key ("run_id", "seq"));`);
    this.addSql(`create index "run_customer_result_differs_index" on "run_customer_result" ("run_id", "differs", "seq");`);
    this.addSql(`create table "discrepancy" (
      "run_id" uuid not null references "run" ("id"),
      "seq" int not null,
      "id" uuid not null unique,
      "kind" varchar(32) not null,
      "txn_kind" varchar(16) null,
      "customer_id" varchar(128) null,
      "qbo_customer_id" varchar(32) null,
      "customer_name" varchar(500) null,
      "source_id" varchar(128) null,
      "qbo_id" varchar(32) null,
      "number" varchar(64) null,
      "source_amount" numeric(19,4) null,
      "qbo_amount" numeric(19,4) null,
      "difference" numeric(19,4) not null,
      "bucket" varchar(16) null,
      "qbo_bucket" varchar(16) null,
      "suggested_action" text not null,
      "note" text not null,
      primary key ("run_id", "seq"));`);
    this.addSql(`create index "discrepancy_kind_index" on "discrepancy" ("run_id", "kind", "seq");`);
    this.addSql(`create table "report_artifact" (
      "run_id" uuid not null references "run" ("id"),
      "format" varchar(8) not null,
      "content_type" varchar(64) not null,
      "file_name" varchar(200) not null,
      "bytes" bytea not null,
      "sha256" char(64) not null,
      "size_bytes" int not null,
      "created_at" timestamptz not null default now(),
      primary key ("run_id", "format"));`);

    // Immutability, enforced by the database: a finished run, its results and its reports never change.
    this.addSql(`create function "forbid_finished_run_change"() returns trigger language plpgsql as $$
      begin
        if old."state" in ('completed', 'failed') then
          raise exception 'reconciliation run % is finished and immutable', old."id" using errcode = 'P0001';
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;`);
    this.addSql(`create trigger "run_immutable" before update or delete on "run" for each row execute function "forbid_finished_run_change"();`);
    this.addSql(`create function "forbid_result_change"() returns trigger language plpgsql as $$
      begin
        raise exception '% rows are append-only', tg_table_name using errcode = 'P0001';
      end $$;`);
    for (const table of ['discrepancy', 'run_customer_result', 'report_artifact']) {
      this.addSql(`create trigger "${table}_append_only" before update or delete on "${table}" for each row execute function "forbid_result_change"();`);
    }
    // The snapshot is filled (and QuickBooks open amounts derived) while the run is running, then frozen with it.
    this.addSql(`create function "forbid_finished_snapshot_change"() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from "${schema}"."run" r where r."id" = old."run_id" and r."state" in ('completed', 'failed')) then
          raise exception 'the snapshot of finished run % is immutable', old."run_id" using errcode = 'P0001';
        end if;
        return case when tg_op = 'DELETE' then old else new end;
      end $$;`);
    for (const table of ['run_item', 'run_qbo_application', 'run_customer', 'run_link']) {
      this.addSql(`create trigger "${table}_frozen" before update or delete on "${table}" for each row execute function "forbid_finished_snapshot_change"();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['report_artifact', 'discrepancy', 'run_customer_result', 'run_link', 'run_customer', 'run_qbo_application', 'run_item', 'run']) {
      this.addSql(`drop table if exists "${table}";`);
    }
    this.addSql('drop function if exists "forbid_finished_snapshot_change"(); drop function if exists "forbid_result_change"(); drop function if exists "forbid_finished_run_change"();');
  }
}

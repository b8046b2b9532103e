import { Migration } from '@mikro-orm/migrations';

/**
 * Why: the source ledger (what the platform published, read by reconciliation) and the sync state around it:
 * links to QuickBooks ids, the durable push queue, problems people act on, and the transactional outbox.
 */
export class Migration20261122000100_ledger_and_sync_state extends Migration {
  override async up(): Promise<void> {
    const common = `"version" int not null, "updated_at" timestamptz not null default now()`;
    this.addSql(`create table "source_customer" ("tenant_id" varchar(64) not null, "id" varchar(128) not null,
      "display_name" varchar(500) not null, "billing_email" varchar(320) null, "company_name" varchar(100) null,
      "currency" char(3) not null, "payment_terms_days" int null, "active" boolean not null, ${common},
      primary key ("tenant_id", "id"));`);
    this.addSql(`create index "source_customer_email_index" on "source_customer" ("tenant_id", lower("billing_email"));`);
    this.addSql(`create table "source_item" ("tenant_id" varchar(64) not null, "id" varchar(128) not null,
      "sku" varchar(100) null, "name" varchar(100) not null, "description" text null, "unit_price" numeric(19,6) null,
      "income_account_code" varchar(64) null, "active" boolean not null, ${common}, primary key ("tenant_id", "id"));`);
    this.addSql(`create table "source_invoice" ("tenant_id" varchar(64) not null, "id" varchar(128) not null,
      "number" varchar(64) not null, "customer_id" varchar(128) not null, "issue_date" date not null, "due_date" date not null,
      "currency" char(3) not null, "status" varchar(16) not null, "discount_total" numeric(19,4) not null default 0,
      "total" numeric(19,4) not null, "memo" text null, "lines" jsonb not null, "charge_sets" jsonb null,
      "export" varchar(8) null, ${common}, primary key ("tenant_id", "id"));`);
    this.addSql(`create index "source_invoice_customer_index" on "source_invoice" ("tenant_id", "customer_id");`);
    this.addSql(`create index "source_invoice_issue_date_index" on "source_invoice" ("tenant_id", "issue_date");`);
    this.addSql(`create table "source_payment" ("tenant_id" varchar(64) not null, "id" varchar(128) not null,
      "customer_id" varchar(128) not null, "received_on" date not null, "amount" numeric(19,4) not null, "currency" char(3) not null,
      "method" varchar(64) null, "reference" varchar(128) null, "voided" boolean not null default false,
      "export" varchar(8) null, ${common}, primary key ("tenant_id", "id"));`);
    this.addSql(`create table "source_credit_memo" ("tenant_id" varchar(64) not null, "id" varchar(128) not null,
      "number" varchar(64) not null, "customer_id" varchar(128) not null, "issue_date" date not null, "currency" char(3) not null,
      "total" numeric(19,4) not null, "memo" text null, "lines" jsonb not null, "cancelled" boolean not null default false,
      "export" varchar(8) null, ${common}, primary key ("tenant_id", "id"));`);
    // One row per (payment or credit memo) × invoice, so reconciliation sums applications with SQL, as of a date.
    this.addSql(`create table "source_application" ("tenant_id" varchar(64) not null, "source_type" varchar(16) not null,
      "source_id" varchar(128) not null, "invoice_id" varchar(128) not null, "amount" numeric(19,4) not null,
      "applied_on" date not null, primary key ("tenant_id", "source_type", "source_id", "invoice_id"));`);
    this.addSql(`create index "source_application_invoice_index" on "source_application" ("tenant_id", "invoice_id");`);

    this.addSql(`create table "sync_link" ("tenant_id" varchar(64) not null, "entity_type" varchar(16) not null,
      "source_id" varchar(128) not null, "qbo_id" varchar(32) null, "sync_token" varchar(16) null, "status" varchar(16) not null,
      "pushed_version" int null, "pushed_at" timestamptz null, "updated_at" timestamptz not null default now(),
      primary key ("tenant_id", "entity_type", "source_id"));`);
    this.addSql(`create index "sync_link_qbo_id_index" on "sync_link" ("tenant_id", "entity_type", "qbo_id");`);
    // Coalescing queue: one row per document; a newer version replaces the pending one (latest wins, order kept).
    this.addSql(`create table "sync_job" ("tenant_id" varchar(64) not null, "entity_type" varchar(16) not null,
      "source_id" varchar(128) not null, "version" int not null, "reason" varchar(32) not null,
      "due_at" timestamptz not null default now(), "attempts" int not null default 0, "locked_until" timestamptz null,
      "enqueued_at" timestamptz not null default now(), primary key ("tenant_id", "entity_type", "source_id"));`);
    this.addSql(`create index "sync_job_due_index" on "sync_job" ("due_at");`);
    this.addSql(`create table "problem" ("id" uuid not null primary key, "tenant_id" varchar(64) not null,
      "entity_type" varchar(16) not null, "source_id" varchar(128) not null, "kind" varchar(32) not null,
      "state" varchar(16) not null, "reason" text not null, "qbo_code" varchar(16) null, "qbo_message" text null,
      "attempts" int not null default 1, "allowed_actions" jsonb not null, "details" jsonb null,
      "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null,
      "resolved_at" timestamptz null, "resolved_by" varchar(128) null);`);
    this.addSql(`create unique index "problem_open_unique" on "problem" ("tenant_id", "entity_type", "source_id") where "state" = 'open';`);
    this.addSql(`create index "problem_list_index" on "problem" ("tenant_id", "state", "entity_type", "last_seen_at");`);
    this.addSql(`create table "problem_action" ("id" bigserial primary key, "tenant_id" varchar(64) not null,
      "problem_id" uuid null, "entity_type" varchar(16) not null, "source_id" varchar(128) not null, "action" varchar(32) not null,
      "actor" varchar(128) not null, "idempotency_key" varchar(128) null unique, "details" jsonb null, "at" timestamptz not null default now());`);
    this.addSql(`create table "mapping" ("tenant_id" varchar(64) not null, "entity_type" varchar(16) not null,
      "source_id" varchar(128) not null, "qbo_id" varchar(32) not null, "mapped_by" varchar(128) not null,
      "mapped_at" timestamptz not null default now(), primary key ("tenant_id", "entity_type", "source_id"));`);
    this.addSql(`create table "tenant_settings" ("tenant_id" varchar(64) not null primary key, "settings" jsonb not null,
      "in_sync_point" date null, "updated_at" timestamptz not null default now());`);
    this.addSql(`create table "outbox" ("id" bigserial primary key, "topic" varchar(200) not null, "key" varchar(300) not null,
      "payload" jsonb not null, "created_at" timestamptz not null default now(), "published_at" timestamptz null);`);
    this.addSql(`create index "outbox_unpublished_index" on "outbox" ("id") where "published_at" is null;`);
  }

  override async down(): Promise<void> {
    for (const table of ['outbox', 'tenant_settings', 'mapping', 'problem_action', 'problem', 'sync_job', 'sync_link', 'source_application',
      'source_credit_memo', 'source_payment', 'source_invoice', 'source_item', 'source_customer']) {
      this.addSql(`drop table if exists "${table}";`);
    }
  }
}

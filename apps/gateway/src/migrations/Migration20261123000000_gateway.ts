import { Migration } from '@mikro-orm/migrations';

/**
 * Why: the gateway owns who may call (API keys, stored as SHA-256 digests), what they did (the per-tenant
 * hash-chained audit log), OAuth consent attempts (hashed CSRF states), QuickBooks webhook deliveries kept for
 * the pull path, and long jobs (balance pulls, payment imports) that the pull path picks up.
 */
export class Migration20261123000000_gateway extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_key" (
      "id" varchar(32) not null, "tenant_id" varchar(64) not null, "role" varchar(16) not null, "name" varchar(100) not null,
      "key_hash" char(64) not null, "created_at" timestamptz not null default now(), "created_by" varchar(64) not null,
      "revoked_at" timestamptz null, "revoked_by" varchar(64) null, "last_used_at" timestamptz null,
      constraint "api_key_pkey" primary key ("id"),
      constraint "api_key_role_check" check ("role" in ('admin', 'controller', 'auditor')));`);
    this.addSql(`create unique index "api_key_key_hash_unique" on "api_key" ("key_hash");`);
    this.addSql(`create index "api_key_tenant_created_index" on "api_key" ("tenant_id", "created_at" desc, "id" desc);`);

    this.addSql(`create table "audit_chain" (
      "tenant_id" varchar(64) not null, "seq" bigint not null, "head_hash" char(64) not null, "updated_at" timestamptz not null default now(),
      constraint "audit_chain_pkey" primary key ("tenant_id"));`);
    this.addSql(`create table "audit_event" (
      "tenant_id" varchar(64) not null, "seq" bigint not null, "at" timestamptz not null,
      "actor_key_id" varchar(64) not null, "actor_role" varchar(16) not null, "action" varchar(64) not null,
      "target_type" varchar(32) null, "target_id" varchar(200) null,
      "request" text null, "before" text null, "after" text null, "outcome" varchar(64) not null,
      "prev_hash" char(64) not null, "hash" char(64) not null,
      constraint "audit_event_pkey" primary key ("tenant_id", "seq"));`);
    this.addSql(`create index "audit_event_target_index" on "audit_event" ("tenant_id", "target_type", "target_id", "seq");`);
    // Append-only for the application role: rows are never updated or deleted. The hash chain still detects a
    // change made by someone who can disable this trigger (the table owner).
    this.addSql(`create function "audit_event_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit_event is append-only'; end $$;`);
    this.addSql(`create trigger "audit_event_no_change" before update or delete on "audit_event"
      for each row execute function "audit_event_append_only"();`);

    this.addSql(`create table "oauth_state" (
      "state_hash" char(64) not null, "tenant_id" varchar(64) not null, "key_id" varchar(32) not null, "role" varchar(16) not null,
      "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "used_at" timestamptz null,
      "outcome" varchar(16) null, "error" varchar(500) null,
      constraint "oauth_state_pkey" primary key ("state_hash"));`);
    this.addSql(`create index "oauth_state_tenant_index" on "oauth_state" ("tenant_id", "created_at" desc);`);

    this.addSql(`create table "webhook_delivery" (
      "id" bigserial not null, "received_at" timestamptz not null default now(), "intuit_tid" varchar(200) null,
      "realm_ids" text[] not null default '{}', "entity_count" int not null default 0, "payload" text not null,
      "parse_error" varchar(500) null, "processed_at" timestamptz null,
      constraint "webhook_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_unprocessed_index" on "webhook_delivery" ("received_at") where "processed_at" is null;`);

    this.addSql(`create table "job" (
      "id" uuid not null, "tenant_id" varchar(64) not null, "kind" varchar(32) not null, "params" jsonb not null,
      "state" varchar(16) not null, "total" int not null default 0, "done" int not null default 0, "failed" int not null default 0,
      "error" text null, "created_by" varchar(64) not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(),
      constraint "job_pkey" primary key ("id"),
      constraint "job_state_check" check ("state" in ('queued', 'running', 'completed', 'failed')));`);
    this.addSql(`create index "job_tenant_created_index" on "job" ("tenant_id", "created_at" desc, "id" desc);`);
    this.addSql(`create index "job_queued_index" on "job" ("created_at") where "state" = 'queued';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "job";');
    this.addSql('drop table if exists "webhook_delivery";');
    this.addSql('drop table if exists "oauth_state";');
    this.addSql('drop table if exists "audit_event";');
    this.addSql('drop function if exists "audit_event_append_only"();');
    this.addSql('drop table if exists "audit_chain";');
    this.addSql('drop table if exists "api_key";');
  }
}

import { renderQboClientDdl } from '@arbiter/qbo-client';
import { Migration } from '@mikro-orm/migrations';

/**
 * Why: each tenant connects one QuickBooks company; its OAuth tokens (AES-256-GCM sealed) and the per-realm
 * request budget shared by replicas live in the QuickBooks client's tables, created here in the sync schema.
 */
export class Migration20261122000200_qbo_connection extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "tenant_connection" ("tenant_id" varchar(64) not null primary key, "realm_id" varchar(32) null,
      "state" varchar(16) not null, "connected_at" timestamptz null, "last_error" text null, "updated_at" timestamptz not null default now());`);
    this.addSql(`create unique index "tenant_connection_realm_unique" on "tenant_connection" ("realm_id") where "realm_id" is not null;`);
    this.addSql(renderQboClientDdl(this.config.get('schema') ?? 'sync'));
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "tenant_connection";');
    this.addSql('drop table if exists "qbo_rate_lease"; drop table if exists "qbo_rate_window"; drop table if exists "qbo_connection";');
  }
}

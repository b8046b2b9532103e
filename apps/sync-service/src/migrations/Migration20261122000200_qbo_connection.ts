import { Migration } from '@mikro-orm/migrations';

/**
 * Why: each tenant connects one QuickBooks company; its OAuth tokens (AES-256-GCM sealed) and the per-realm
 * request budget shared by replicas live in the QuickBooks client's tables, created here in the sync schema.
 * The SQL is the QuickBooks client's DDL as it was when this migration was written (frozen: a later DDL change
 * comes with its own migration, e.g. Migration20261207121500_qbo_rate_sliding_log).
 */
export const QBO_CONNECTION_DDL_2026_11_22 = `
CREATE SCHEMA IF NOT EXISTS "__SCHEMA__";

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_connection (
  realm_id                      text PRIMARY KEY,
  status                        text NOT NULL CHECK (status IN ('connected', 'error', 'revoked')),
  access_token_sealed           text,
  refresh_token_sealed          text,
  access_token_expires_at       timestamptz,
  refresh_token_expires_at      timestamptz,
  refresh_token_hard_expires_at timestamptz,
  status_reason                 text,
  updated_at                    timestamptz NOT NULL DEFAULT now()
);
`;

/** The bucketed rate budget of 2026-11-22, replaced by Migration20261207121500_qbo_rate_sliding_log. */
export const QBO_RATE_BUCKETS_DDL_2026_11_22 = `
CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_rate_window (
  realm_id        text    NOT NULL,
  bucket_start_ms bigint  NOT NULL,
  request_count   integer NOT NULL CHECK (request_count > 0),
  PRIMARY KEY (realm_id, bucket_start_ms)
);

CREATE TABLE IF NOT EXISTS "__SCHEMA__".qbo_rate_lease (
  lease_id   uuid PRIMARY KEY,
  realm_id   text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS qbo_rate_lease_realm_expires_idx ON "__SCHEMA__".qbo_rate_lease (realm_id, expires_at);
`;

export class Migration20261122000200_qbo_connection extends Migration {
  override async up(): Promise<void> {
    const schema = this.config.get('schema') ?? 'sync';
    this.addSql(`create table "tenant_connection" ("tenant_id" varchar(64) not null primary key, "realm_id" varchar(32) null,
      "state" varchar(16) not null, "connected_at" timestamptz null, "last_error" text null, "updated_at" timestamptz not null default now());`);
    this.addSql(`create unique index "tenant_connection_realm_unique" on "tenant_connection" ("realm_id") where "realm_id" is not null;`);
    this.addSql((QBO_CONNECTION_DDL_2026_11_22 + QBO_RATE_BUCKETS_DDL_2026_11_22).replaceAll('__SCHEMA__', schema));
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "tenant_connection";');
    this.addSql('drop table if exists "qbo_rate_lease"; drop table if exists "qbo_rate_window"; drop table if exists "qbo_connection";');
  }
}

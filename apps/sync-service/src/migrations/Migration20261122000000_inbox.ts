import { Migration } from '@mikro-orm/migrations';

/** Why: the inbox is where every accepted platform event is deduplicated (eventId) and versioned (entityVersion). */
export class Migration20261122000000_inbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "inbound_event" (
      "event_id" varchar(128) not null, "tenant_id" varchar(64) not null, "entity_type" varchar(32) not null,
      "entity_id" varchar(128) not null, "event_type" varchar(64) not null, "entity_version" int not null,
      "outcome" varchar(16) not null, "topic" varchar(200) not null, "partition" int not null, "offset" varchar(20) not null,
      "payload" jsonb not null, "received_at" timestamptz not null,
      constraint "inbound_event_pkey" primary key ("event_id"));`);
    this.addSql(`create index "inbound_event_tenant_id_entity_type_entity_id_index" on "inbound_event" ("tenant_id", "entity_type", "entity_id");`);
    this.addSql(`create table "entity_version" (
      "tenant_id" varchar(64) not null, "entity_type" varchar(32) not null, "entity_id" varchar(128) not null,
      "version" int not null, "updated_at" timestamptz not null,
      constraint "entity_version_pkey" primary key ("tenant_id", "entity_type", "entity_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "entity_version";');
    this.addSql('drop table if exists "inbound_event";');
  }
}

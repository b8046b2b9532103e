import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/postgresql';

export type InboundOutcome = 'applied' | 'stale';

/**
 * Every accepted inbound event, keyed by its eventId: the dedupe record (a redelivered event hits
 * the primary key and is a no-op) and the audit of what the platform told us, with its coordinates.
 */
@Entity({ tableName: 'inbound_event' })
@Index({ properties: ['tenantId', 'entityType', 'entityId'] })
export class InboundEvent {
  @PrimaryKey({ length: 128 })
  eventId!: string;

  @Property({ length: 64 })
  tenantId!: string;

  @Property({ length: 32 })
  entityType!: string;

  @Property({ length: 128 })
  entityId!: string;

  @Property({ length: 64 })
  eventType!: string;

  @Property()
  entityVersion!: number;

  @Property({ length: 16 })
  outcome!: InboundOutcome;

  @Property({ length: 200 })
  topic!: string;

  @Property()
  partition!: number;

  @Property({ length: 20 })
  offset!: string;

  @Property({ type: 'jsonb' })
  payload!: unknown;

  @Property({ columnType: 'timestamptz' })
  receivedAt!: Date;
}

/** The highest entityVersion applied per entity; an event below it is stale. */
@Entity({ tableName: 'entity_version' })
export class EntityVersion {
  @PrimaryKey({ length: 64 })
  tenantId!: string;

  @PrimaryKey({ length: 32 })
  entityType!: string;

  @PrimaryKey({ length: 128 })
  entityId!: string;

  @Property()
  version!: number;

  @Property({ columnType: 'timestamptz' })
  updatedAt!: Date;
}

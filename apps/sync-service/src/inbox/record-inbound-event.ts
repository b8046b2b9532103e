import type { InboundEvent as InboundEventMessage } from '@arbiter/contracts';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { applyToLedger, enqueueSyncWork } from '../ledger/apply-to-ledger';

export type RecordOutcome = 'applied' | 'stale' | 'duplicate';

export interface MessageCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The inbox step of the push flow: dedupe by eventId, drop stale entityVersions, record the event.
 * One transaction; the caller's offset is committed only after it returns (the effect is durable).
 */
@Injectable()
export class RecordInboundEvent {
  private readonly logger = new Logger(RecordInboundEvent.name);

  constructor(private readonly em: EntityManager) {}

  async run(event: InboundEventMessage, at: MessageCoordinates): Promise<RecordOutcome> {
    const entityType = event.eventType.split('.')[0];
    const entityId = String((event.data as { id: string }).id);
    return this.em.fork().transactional(async (tx) => {
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const inserted = await conn.execute<{ event_id: string }[]>(
        `insert into inbound_event (event_id, tenant_id, entity_type, entity_id, event_type, entity_version, outcome, topic, partition, "offset", payload, received_at)
         values (?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?::jsonb, now()) on conflict (event_id) do nothing returning event_id`,
        [event.eventId, event.tenantId, entityType, entityId, event.eventType, event.entityVersion, at.topic, at.partition, at.offset, JSON.stringify(event)],
        'all',
        ctx,
      );
      if (inserted.length === 0) return 'duplicate';
      const advanced = await conn.execute<{ version: number }[]>(
        `insert into entity_version (tenant_id, entity_type, entity_id, version, updated_at) values (?, ?, ?, ?, now())
         on conflict (tenant_id, entity_type, entity_id) do update set version = excluded.version, updated_at = excluded.updated_at
         where entity_version.version < excluded.version returning version`,
        [event.tenantId, entityType, entityId, event.entityVersion],
        'all',
        ctx,
      );
      if (advanced.length === 0) {
        await conn.execute(`update inbound_event set outcome = 'stale' where event_id = ?`, [event.eventId], 'run', ctx);
        this.logger.log(`stale event recorded eventId=${event.eventId} entity=${entityType}:${entityId} version=${event.entityVersion}`);
        return 'stale';
      }
      const exec = (sql: string, params: unknown[]) => conn.execute(sql, params as never[], 'run', ctx);
      const work = await applyToLedger(exec, event);
      if (work) await enqueueSyncWork(exec, event.tenantId, work);
      return 'applied';
    });
  }
}

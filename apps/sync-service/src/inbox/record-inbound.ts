import type { InboundEvent } from '@arbiter/contracts';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { SYNC_CONFIG, type SyncConfig } from '../config';
import { applyBatchToLedger } from '../ledger/apply-batch-to-ledger';
import { inPgTransaction, schemaPool, type Statement } from '../sql';
import type { MessageCoordinates, RecordOutcome } from './inbox-types';

export interface InboundItem {
  event: InboundEvent;
  at: MessageCoordinates;
}

const entityTypeOf = (e: InboundEvent) => e.eventType.split('.')[0];
const entityIdOf = (e: InboundEvent) => (e.data as { id: string }).id;
const keyOf = (tenantId: string, entityType: string, entityId: string) => `${tenantId}\u0000${entityType}\u0000${entityId}`;
const entityKey = (e: InboundEvent) => keyOf(e.tenantId, entityTypeOf(e), entityIdOf(e));

const InsertEvents: Statement = {
  name: 'inbox_insert_events',
  text: `insert into inbound_event (event_id, tenant_id, entity_type, entity_id, event_type, entity_version, outcome, topic, partition, "offset", payload, received_at)
    select event_id, tenant_id, entity_type, entity_id, event_type, entity_version, 'applied', topic, partition, "offset", payload, now()
    from jsonb_to_recordset($1::jsonb) as x(event_id text, tenant_id text, entity_type text, entity_id text, event_type text, entity_version int,
      topic text, partition int, "offset" text, payload jsonb)
    on conflict (event_id) do nothing returning event_id`,
};
const LockVersions: Statement = {
  name: 'inbox_lock_versions',
  text: `select v.tenant_id, v.entity_type, v.entity_id, v.version from entity_version v
    join jsonb_to_recordset($1::jsonb) as x(t text, ty text, id text) on v.tenant_id = x.t and v.entity_type = x.ty and v.entity_id = x.id
    for update of v`,
};
const MarkStale: Statement = {
  name: 'inbox_mark_stale',
  text: `update inbound_event set outcome = 'stale' where event_id in (select jsonb_array_elements_text($1::jsonb))`,
};
const AdvanceVersions: Statement = {
  name: 'inbox_advance_versions',
  text: `insert into entity_version (tenant_id, entity_type, entity_id, version, updated_at)
    select t, ty, id, v, now() from jsonb_to_recordset($1::jsonb) as x(t text, ty text, id text, v int)
    on conflict (tenant_id, entity_type, entity_id) do update set version = excluded.version, updated_at = excluded.updated_at`,
};

/**
 * The inbox for a group of messages (one or many partitions' batches), in ONE transaction of a handful of
 * prepared, set-based statements: dedupe by eventId (one insert), decide staleness in order against the versions
 * already applied (read once, locked), advance versions (one upsert), write the ledger for the applied events in
 * the given order, and queue the resulting QuickBooks work once per document. The outcome is exactly that of
 * recording the same events one by one in the given order, which keeps every partition's order.
 */
@Injectable()
export class RecordInbound implements OnApplicationShutdown {
  private readonly logger = new Logger(RecordInbound.name);
  /** Groups are flushed one at a time (inbox/group-commit.ts), so one session is all the inbox uses. */
  private readonly pool: Pool;

  constructor(@Inject(SYNC_CONFIG) config: SyncConfig) {
    this.pool = schemaPool(config.DATABASE_URL, config.DATABASE_SCHEMA, 1, this.logger);
  }

  async run(items: readonly InboundItem[]): Promise<RecordOutcome[]> {
    if (items.length === 0) return [];
    return inPgTransaction(this.pool, async (run) => {
      // Only an eventId's first occurrence is new, also inside one group (a redelivered batch may repeat one).
      const outcomes: RecordOutcome[] = [];
      const firsts = new Map<string, InboundItem>();
      for (const item of items) {
        outcomes.push(firsts.has(item.event.eventId) ? 'duplicate' : 'applied');
        if (!firsts.has(item.event.eventId)) firsts.set(item.event.eventId, item);
      }
      const rows = [...firsts.values()].map(({ event: e, at }) => ({
        event_id: e.eventId, tenant_id: e.tenantId, entity_type: entityTypeOf(e), entity_id: entityIdOf(e), event_type: e.eventType,
        entity_version: e.entityVersion, topic: at.topic, partition: at.partition, offset: at.offset, payload: e,
      }));
      const inserted = await run<{ event_id: string }>(InsertEvents, [JSON.stringify(rows)]);
      const fresh = new Set(inserted.map((r) => r.event_id));
      items.forEach(({ event }, i) => {
        if (!fresh.has(event.eventId)) outcomes[i] = 'duplicate';
      });

      const candidates = items.filter((_, i) => outcomes[i] === 'applied');
      if (candidates.length === 0) return outcomes;
      const keys = new Map(candidates.map(({ event: e }) => [entityKey(e), { t: e.tenantId, ty: entityTypeOf(e), id: entityIdOf(e) }]));
      const current = await run<{ tenant_id: string; entity_type: string; entity_id: string; version: number }>(LockVersions, [JSON.stringify([...keys.values()])]);
      const versions = new Map(current.map((r) => [keyOf(r.tenant_id, r.entity_type, r.entity_id), r.version]));
      const stale: string[] = [];
      const applied: InboundEvent[] = [];
      items.forEach(({ event }, i) => {
        if (outcomes[i] !== 'applied') return;
        const key = entityKey(event);
        const before = versions.get(key);
        if (before !== undefined && event.entityVersion <= before) {
          outcomes[i] = 'stale';
          stale.push(event.eventId);
        } else {
          versions.set(key, event.entityVersion);
          applied.push(event);
        }
      });
      if (stale.length) await run(MarkStale, [JSON.stringify(stale)]);
      if (applied.length === 0) return outcomes;

      const latest = new Map<string, { t: string; ty: string; id: string; v: number }>();
      for (const e of applied) latest.set(entityKey(e), { t: e.tenantId, ty: entityTypeOf(e), id: entityIdOf(e), v: e.entityVersion });
      await run(AdvanceVersions, [JSON.stringify([...latest.values()])]);

      await applyBatchToLedger(run, applied);
      return outcomes;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

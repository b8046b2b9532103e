import { InboundTopics } from '@arbiter/contracts';
import { consumerGroupLag, kafkaClientConfig } from '@arbiter/runtime';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Admin } from 'kafkajs';
import { SYNC_CONFIG, type SyncConfig } from '../config';
import { sqlOf } from '../sql';

const ENTITY_TYPES = ['customer', 'item', 'invoice', 'payment', 'credit-memo'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

const SOURCE_TABLES: Record<EntityType, string> = {
  customer: 'source_customer',
  item: 'source_item',
  invoice: 'source_invoice',
  payment: 'source_payment',
  'credit-memo': 'source_credit_memo',
};

export interface SyncStatusView {
  tenantId: string;
  /** True when nothing more happens without a person: inbound consumed, no push runnable, outbox published. */
  settled: boolean;
  inbound: { accepted: number; stale: number; duplicate: number; lastReceivedAt: string | null; consumerLag: number | null };
  documents: Record<EntityType, { source: number; links: Record<string, number>; openProblems: number; queued: number }>;
  queue: { queued: number; active: number; blocked: number; nextDueAt: string | null };
  problems: { open: number; byKind: Record<string, number> };
  outbox: { unpublished: number };
  checkedAt: string;
}

/**
 * How far the sync of one tenant has come: what arrived (inbox outcomes and the consumer group's lag), what each
 * document type looks like on the QuickBooks side (links by status, open problems), the push queue split into
 * jobs that can still run (`active`) and jobs held by an open problem on the document or on what it depends on
 * (`blocked`: they wait for a person), and the unpublished outbox. `settled` is the moment a month-end run can start.
 */
@Injectable()
export class SyncStatus implements OnApplicationShutdown {
  private readonly logger = new Logger(SyncStatus.name);
  private admin: Admin | null = null;
  private connecting: Promise<Admin> | null = null;

  constructor(
    private readonly em: EntityManager,
    @Inject(SYNC_CONFIG) private readonly config: SyncConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }

  async of(tenantId: string): Promise<SyncStatusView> {
    const sql = sqlOf(this.em);
    const [inbound, sources, links, problems, jobs, outbox, consumerLag] = await Promise.all([
      sql<{ outcome: string; n: string; last: string | null }>(
        `select outcome, count(*)::text as n, to_char(max(received_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last
         from inbound_event where tenant_id = ? group by outcome`,
        [tenantId],
      ),
      sql<{ entity_type: EntityType; n: string }>(
        ENTITY_TYPES.map((t) => `select '${t}' as entity_type, count(*)::text as n from ${SOURCE_TABLES[t]} where tenant_id = ?`).join(' union all '),
        ENTITY_TYPES.map(() => tenantId),
      ),
      sql<{ entity_type: EntityType; status: string; n: string }>(
        `select entity_type, status, count(*)::text as n from sync_link where tenant_id = ? group by entity_type, status`,
        [tenantId],
      ),
      sql<{ entity_type: EntityType; kind: string; n: string }>(
        `select entity_type, kind, count(*)::text as n from problem where tenant_id = ? and state = 'open' group by entity_type, kind`,
        [tenantId],
      ),
      // A job is blocked when its document, its customer, or an invoice it is applied to has an open problem.
      sql<{ entity_type: EntityType; blocked: boolean; n: string; next_due: string | null }>(
        `select j.entity_type, exists (
                  select 1 from problem p where p.tenant_id = j.tenant_id and p.state = 'open' and (
                    (p.entity_type = j.entity_type and p.source_id = j.source_id)
                    or (p.entity_type = 'invoice' and p.source_id in (
                          select a.invoice_id from source_application a
                          where a.tenant_id = j.tenant_id and a.source_id = j.source_id
                            and a.source_type = case j.entity_type when 'payment' then 'payment' else 'credit-memo' end
                            and j.entity_type in ('payment', 'credit-memo')))
                    or (p.entity_type = 'customer' and p.source_id = coalesce(
                          (select i.customer_id from source_invoice i where j.entity_type = 'invoice' and i.tenant_id = j.tenant_id and i.id = j.source_id),
                          (select y.customer_id from source_payment y where j.entity_type = 'payment' and y.tenant_id = j.tenant_id and y.id = j.source_id),
                          (select c.customer_id from source_credit_memo c where j.entity_type = 'credit-memo' and c.tenant_id = j.tenant_id and c.id = j.source_id)))
                  )) as blocked,
                count(*)::text as n,
                to_char(min(j.due_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as next_due
         from sync_job j where j.tenant_id = ? group by 1, 2`,
        [tenantId],
      ),
      sql<{ n: string }>(`select count(*)::text as n from outbox where published_at is null and key like ?`, [`${escapeLike(tenantId)}:%`]),
      this.consumerLag(),
    ]);

    const count = (rows: { n: string }[]) => rows.reduce((s, r) => s + Number(r.n), 0);
    const documents = Object.fromEntries(
      ENTITY_TYPES.map((t) => [
        t,
        {
          source: count(sources.filter((r) => r.entity_type === t)),
          links: Object.fromEntries(links.filter((r) => r.entity_type === t).map((r) => [r.status, Number(r.n)])),
          openProblems: count(problems.filter((r) => r.entity_type === t)),
          queued: count(jobs.filter((r) => r.entity_type === t)),
        },
      ]),
    ) as SyncStatusView['documents'];
    const byKind: Record<string, number> = {};
    for (const p of problems) byKind[p.kind] = (byKind[p.kind] ?? 0) + Number(p.n);
    const active = count(jobs.filter((j) => !j.blocked));
    const blocked = count(jobs.filter((j) => j.blocked));
    const nextDue = jobs.map((j) => j.next_due).filter((d): d is string => d !== null).sort()[0] ?? null;
    const unpublished = Number(outbox[0]?.n ?? 0);
    const outcome = (name: string) => Number(inbound.find((r) => r.outcome === name)?.n ?? 0);
    const lastReceivedAt = inbound.map((r) => r.last).filter((d): d is string => d !== null).sort().at(-1) ?? null;
    return {
      tenantId,
      settled: consumerLag === 0 && active === 0 && unpublished === 0,
      inbound: { accepted: outcome('applied'), stale: outcome('stale'), duplicate: outcome('duplicate'), lastReceivedAt, consumerLag },
      documents,
      queue: { queued: active + blocked, active, blocked, nextDueAt: nextDue },
      problems: { open: count(problems), byKind },
      outbox: { unpublished },
      checkedAt: new Date().toISOString(),
    };
  }

  /**
   * Messages on the inbound topics not yet committed by the consumer group (all tenants share the group), or null
   * when the broker cannot say right now: then `settled` stays false rather than guessing.
   */
  private async consumerLag(): Promise<number | null> {
    try {
      return await consumerGroupLag(await this.connectedAdmin(), this.config.KAFKA_GROUP_ID, InboundTopics);
    } catch (error) {
      this.logger.warn(`consumer lag unavailable: ${(error as Error).message}`);
      return null;
    }
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = new Kafka(kafkaClientConfig('arbiter-sync-status', this.config.KAFKA_BROKERS)).admin();
      try {
        await admin.connect();
      } catch (error) {
        this.connecting = null;
        throw error;
      }
      this.admin = admin;
      return admin;
    })();
    return this.connecting;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

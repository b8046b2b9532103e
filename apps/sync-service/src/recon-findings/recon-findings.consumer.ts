import { OutboundEventSchemas, Topics } from '@arbiter/contracts';
import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, KafkaRetriableException, Payload } from '@nestjs/microservices';
import type { SyncEntityType } from '../ledger/sync-work';
import { recordProblem } from '../push/problems';
import { inTransaction } from '../sql';

/** Discrepancy kinds a resync can fix: the document exists on the platform and should match QuickBooks. */
const FIXABLE = new Set(['missing_in_qbo', 'amount_mismatch', 'balance_mismatch', 'customer_mismatch', 'voided_in_qbo']);

/**
 * Turns reconciliation findings (`arbiter.recon.discrepancies.v1`) into sync problems where a resync can fix
 * them, so controllers act on them in Problem Sync. Low volume, so it uses the NestJS Kafka transport
 * (one message at a time) rather than the batched inbox.
 */
@Controller()
export class ReconFindingsConsumer {
  private readonly logger = new Logger(ReconFindingsConsumer.name);

  constructor(private readonly em: EntityManager) {}

  @EventPattern(Topics.ReconDiscrepancies)
  async handle(@Payload() payload: unknown, @Ctx() ctx: KafkaContext): Promise<void> {
    const value = Buffer.isBuffer(payload) ? JSON.parse(payload.toString('utf8')) : payload;
    const parsed = OutboundEventSchemas[Topics.ReconDiscrepancies].safeParse(value);
    if (!parsed.success) {
      this.logger.warn(`ignored a malformed discrepancy offset=${ctx.getMessage().offset}: ${parsed.error.issues[0]?.message}`);
      return;
    }
    const d = parsed.data;
    if (!FIXABLE.has(d.kind) || !d.sourceId) return;
    try {
      await inTransaction(this.em, async (sql) => {
        const entityType = await this.entityTypeOf(sql, d.tenantId, d.sourceId as string);
        if (!entityType) return;
        await recordProblem(sql, {
          tenantId: d.tenantId,
          entityType,
          sourceId: d.sourceId as string,
          kind: 'reconciliation_difference',
          reason: `Reconciliation run ${d.runId} found ${d.kind.replaceAll('_', ' ')}: platform ${d.sourceAmount ?? '—'}, QuickBooks ${d.qboAmount ?? '—'}, difference ${d.difference}.`,
          details: { runId: d.runId, discrepancyKind: d.kind, qboId: d.qboId ?? null, bucket: d.bucket ?? null },
        });
      });
    } catch (error) {
      throw new KafkaRetriableException((error as Error).message); // not committed: redelivered
    }
  }

  private async entityTypeOf(sql: Parameters<Parameters<typeof inTransaction>[1]>[0], tenantId: string, sourceId: string): Promise<SyncEntityType | null> {
    for (const [table, type] of [['source_invoice', 'invoice'], ['source_payment', 'payment'], ['source_credit_memo', 'credit-memo']] as const) {
      const [row] = await sql(`select 1 from ${table} where tenant_id = ? and id = ?`, [tenantId, sourceId]);
      if (row) return type;
    }
    return null;
  }
}

import { OutboundEventSchemas, type ReconBucketV1, Topics } from '@arbiter/contracts';
import { kafkaClientConfig } from '@arbiter/runtime';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Kafka, type Producer } from 'kafkajs';
import { RECON_CONFIG, type ReconConfig } from '../config';
import type { DiscrepancyRow } from '../reconciliation/run-data';
import type { RunRow } from '../reconciliation/run-store';
import { stableUuid } from '../reconciliation/stable-id';

/** What the service publishes; the Kafka implementation below, a recording fake in unit tests. */
export interface ReconPublisher {
  discrepancies(run: RunRow, rows: readonly DiscrepancyRow[]): Promise<void>;
  completed(run: RunRow, outcome: CompletedOutcome): Promise<void>;
}
export const RECON_PUBLISHER = Symbol('RECON_PUBLISHER');

export interface CompletedOutcome {
  status: 'in_sync' | 'out_of_sync' | 'failed';
  buckets: ReconBucketV1[];
  discrepancyCount: number;
  reportSha256?: string;
}

/**
 * Publishes `arbiter.recon.discrepancies.v1` (one event per discrepancy) and `arbiter.recon.completed.v1`, each
 * validated against its contract schema first. Keys are `<tenantId>:<runId>`, so a run's events stay in order on one
 * partition. Event ids derive from the run and discrepancy, so a resumed run republishes the same ids and consumers
 * deduplicate (delivery is at least once).
 */
@Injectable()
export class KafkaReconPublisher implements ReconPublisher, OnModuleInit, OnApplicationShutdown {
  private readonly producer: Producer;

  constructor(@Inject(RECON_CONFIG) config: ReconConfig) {
    this.producer = new Kafka(kafkaClientConfig('arbiter-recon-producer', config.KAFKA_BROKERS)).producer({ allowAutoTopicCreation: false });
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  /** @throws ZodError when an event breaks its contract (a bug here, never sent); kafkajs errors when the broker refuses. */
  async discrepancies(run: RunRow, rows: readonly DiscrepancyRow[]): Promise<void> {
    if (rows.length === 0) return;
    const schema = OutboundEventSchemas[Topics.ReconDiscrepancies];
    const messages = rows.map((d) => {
      const event = schema.parse({
        eventId: stableUuid(`${run.id}:discrepancy-event:${d.seq}`),
        tenantId: run.tenantId,
        runId: run.id,
        kind: d.kind,
        customerId: d.customerId,
        sourceId: d.sourceId,
        qboId: d.qboId,
        currency: run.currency ?? undefined,
        sourceAmount: d.sourceAmount,
        qboAmount: d.qboAmount,
        difference: d.difference,
        bucket: d.bucket,
      });
      return { key: `${run.tenantId}:${run.id}`, value: JSON.stringify(event) };
    });
    await this.producer.send({ topic: Topics.ReconDiscrepancies, acks: -1, messages });
  }

  /** @throws ZodError, kafkajs errors */
  async completed(run: RunRow, outcome: CompletedOutcome): Promise<void> {
    const event = OutboundEventSchemas[Topics.ReconCompleted].parse({
      eventId: stableUuid(`${run.id}:completed`),
      tenantId: run.tenantId,
      runId: run.id,
      asOf: run.asOf,
      agingBasis: run.agingBasis,
      currency: run.currency ?? undefined,
      status: outcome.status,
      buckets: outcome.buckets,
      discrepancyCount: outcome.discrepancyCount,
      reportSha256: outcome.reportSha256,
    });
    await this.producer.send({ topic: Topics.ReconCompleted, acks: -1, messages: [{ key: `${run.tenantId}:${run.id}`, value: JSON.stringify(event) }] });
  }
}

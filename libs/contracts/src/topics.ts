/** Every Kafka topic of the cluster (CONTRACT.md §1). The `.v1` suffix is the wire-format version. */
export const Topics = {
  SourceCustomers: 'arbiter.source.customers.v1',
  SourceItems: 'arbiter.source.items.v1',
  SourceInvoices: 'arbiter.source.invoices.v1',
  SourcePayments: 'arbiter.source.payments.v1',
  SourceCreditMemos: 'arbiter.source.credit-memos.v1',
  SyncStatus: 'arbiter.sync.status.v1',
  SyncBalances: 'arbiter.sync.balances.v1',
  SyncPaymentsImported: 'arbiter.sync.payments-imported.v1',
  ReconCompleted: 'arbiter.recon.completed.v1',
  ReconDiscrepancies: 'arbiter.recon.discrepancies.v1',
  DeadLetter: 'arbiter.dead-letter.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Event types per inbound topic: one entity kind per topic, so one key's events stay on one partition, in order. */
export const InboundEventTypesByTopic = {
  [Topics.SourceCustomers]: ['customer.upserted'],
  [Topics.SourceItems]: ['item.upserted'],
  [Topics.SourceInvoices]: ['invoice.upserted', 'invoice.cancelled'],
  [Topics.SourcePayments]: ['payment.recorded', 'payment.voided'],
  [Topics.SourceCreditMemos]: ['credit-memo.upserted', 'credit-memo.cancelled'],
} as const;
export type InboundTopic = keyof typeof InboundEventTypesByTopic;
export type InboundEventType =
  (typeof InboundEventTypesByTopic)[InboundTopic][number];
export type OutboundTopic = Exclude<Topic, InboundTopic>;

export const InboundTopics = Object.keys(
  InboundEventTypesByTopic,
) as readonly InboundTopic[];
export const InboundEventTypes = Object.values(
  InboundEventTypesByTopic,
).flat() as readonly InboundEventType[];

export const isInboundTopic = (topic: string): topic is InboundTopic =>
  Object.hasOwn(InboundEventTypesByTopic, topic);
export const isInboundEventType = (
  eventType: string,
): eventType is InboundEventType =>
  (InboundEventTypes as readonly string[]).includes(eventType);

/** The inbound topic an event type is published to. */
export function topicForEventType(eventType: InboundEventType): InboundTopic {
  return InboundTopics.find((topic) =>
    (InboundEventTypesByTopic[topic] as readonly string[]).includes(eventType),
  ) as InboundTopic;
}

export type TopicRole = 'inbound' | 'outbound' | 'dead-letter';

export interface TopicSpec {
  name: Topic;
  role: TopicRole;
  /** Upper bound on consumer parallelism; raising it later re-maps keys, so it is sized for growth up front. */
  partitions: number;
}

/**
 * What the local launcher and the k8s `KafkaTopic`s create. Inbound topics carry the volume (≥ 5,000 events/s)
 * and spread tenants over sync-service replicas, hence 12; outbound topics are one event per state change, 6;
 * dead letters are rare and read by people, 3.
 */
export const TopicSpecs: readonly TopicSpec[] = [
  ...InboundTopics.map(
    (name): TopicSpec => ({ name, role: 'inbound', partitions: 12 }),
  ),
  { name: Topics.SyncStatus, role: 'outbound', partitions: 6 },
  { name: Topics.SyncBalances, role: 'outbound', partitions: 6 },
  { name: Topics.SyncPaymentsImported, role: 'outbound', partitions: 6 },
  { name: Topics.ReconCompleted, role: 'outbound', partitions: 6 },
  { name: Topics.ReconDiscrepancies, role: 'outbound', partitions: 6 },
  { name: Topics.DeadLetter, role: 'dead-letter', partitions: 3 },
];

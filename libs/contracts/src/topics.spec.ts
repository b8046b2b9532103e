import {
  InboundEventTypes,
  InboundTopics,
  TopicSpecs,
  Topics,
  isInboundEventType,
  isInboundTopic,
  topicForEventType,
} from './topics';

describe('topics', () => {
  it('names the eleven topics of the contract', () => {
    expect(Object.values(Topics).sort()).toEqual(
      [
        'arbiter.source.customers.v1',
        'arbiter.source.items.v1',
        'arbiter.source.invoices.v1',
        'arbiter.source.payments.v1',
        'arbiter.source.credit-memos.v1',
        'arbiter.sync.status.v1',
        'arbiter.sync.balances.v1',
        'arbiter.sync.payments-imported.v1',
        'arbiter.recon.completed.v1',
        'arbiter.recon.discrepancies.v1',
        'arbiter.dead-letter.v1',
      ].sort(),
    );
  });

  it('gives every topic exactly one spec with a positive partition count', () => {
    expect(TopicSpecs.map((spec) => spec.name).sort()).toEqual(
      Object.values(Topics).sort(),
    );
    expect(
      TopicSpecs.every(
        (spec) => Number.isInteger(spec.partitions) && spec.partitions > 0,
      ),
    ).toBe(true);
    expect(TopicSpecs.find((spec) => spec.name === Topics.DeadLetter)).toEqual({
      name: Topics.DeadLetter,
      role: 'dead-letter',
      partitions: 3,
    });
  });

  it('routes each inbound event type to the one topic of its entity', () => {
    expect(topicForEventType('invoice.cancelled')).toBe(Topics.SourceInvoices);
    expect(topicForEventType('credit-memo.upserted')).toBe(
      Topics.SourceCreditMemos,
    );
    expect(topicForEventType('payment.voided')).toBe(Topics.SourcePayments);
    expect(InboundEventTypes).toHaveLength(8);
    expect(new Set(InboundEventTypes.map(topicForEventType)).size).toBe(
      InboundTopics.length,
    );
  });

  it('tells inbound topics and event types from everything else', () => {
    expect(isInboundTopic(Topics.SourceItems)).toBe(true);
    expect(isInboundTopic(Topics.SyncStatus)).toBe(false);
    expect(isInboundTopic('constructor')).toBe(false);
    expect(isInboundEventType('payment.recorded')).toBe(true);
    expect(isInboundEventType('payment.refunded')).toBe(false);
  });
});

import { type InboundEvent, parseInboundMessage } from '@arbiter/contracts';
import { Money, ageOpenItems } from '@arbiter/domain';
import { toKafkaMessage } from './kafka-message';
import { generateReceivablesMonth } from './receivables-month';

describe(generateReceivablesMonth.name, () => {
  const sut = generateReceivablesMonth({ seed: 42 });

  it('is the same month for the same seed, and another month for another seed', () => {
    expect(generateReceivablesMonth({ seed: 42 })).toEqual(sut);
    expect(generateReceivablesMonth({ seed: 43 }).events).not.toEqual(
      sut.events,
    );
  });

  it('covers the month and the 120 days before it', () => {
    expect(sut.asOf).toBe('2026-10-31');
    expect(sut.from).toBe('2026-06-03');
    expect(generateReceivablesMonth({ seed: 1, month: '2028-02' }).asOf).toBe(
      '2028-02-29',
    );
  });

  it('names thousands of customers apart, and keeps the first 192 as a smaller month names them', () => {
    const large = generateReceivablesMonth({ seed: 42, customerCount: 1500, invoiceCount: 10, backlogInvoiceCount: 0 });
    const small = generateReceivablesMonth({ seed: 42, customerCount: 192, invoiceCount: 10, backlogInvoiceCount: 0 });

    expect(large.customers).toHaveLength(1500);
    expect(new Set(large.customers.map((c) => c.data.displayName.toLowerCase())).size).toBe(1500);
    expect(new Set(large.customers.map((c) => c.data.billingEmail)).size).toBe(1500);
    expect(large.customers.slice(0, 192).map((c) => c.data.displayName)).toEqual(small.customers.map((c) => c.data.displayName));
  });

  it('publishes only events the contract accepts, on their own topics', () => {
    const rejected = sut.events
      .map((event) => ({
        event,
        result: parseInboundMessage(
          toKafkaMessage(event).topic,
          toKafkaMessage(event).value,
        ),
      }))
      .filter(({ result }) => !result.ok);

    expect(rejected).toEqual([]);
    expect(sut.events.length).toBeGreaterThan(400);
  });

  it('orders events by time, with every entity versioned upwards', () => {
    const lastVersion = new Map<string, number>();
    let lastAt = '';
    for (const event of sut.events) {
      const key = `${event.eventType.split('.')[0]}:${event.data.id}`;
      expect(event.occurredAt >= lastAt).toBe(true);
      expect(event.entityVersion).toBeGreaterThan(lastVersion.get(key) ?? 0);
      lastAt = event.occurredAt;
      lastVersion.set(key, event.entityVersion);
    }
    expect(new Set(sut.events.map((event) => event.eventId)).size).toBe(
      sut.events.length,
    );
  });

  it('has the variety of a real month: drafts, revisions, cancellations, partial and combined payments, voids, credits', () => {
    const statuses = new Set(
      sut.events.filter(isInvoiceUpsert).map((event) => event.data.status),
    );

    expect([...statuses].sort()).toEqual(['approved', 'draft', 'in_revision']);
    expect(sut.cancelledInvoiceIds.length).toBeGreaterThan(0);
    expect(sut.voidedPaymentIds.length).toBeGreaterThan(0);
    expect(
      sut.payments.some((payment) => payment.data.applications.length > 1),
    ).toBe(true);
    expect(sut.creditMemos.length).toBeGreaterThan(0);
    expect(sut.unappliedCredits.length).toBeGreaterThan(0);
    expect(sut.openInvoices.some((open) => open.open !== open.total)).toBe(
      true,
    );
    expect(sut.invoices.some((invoice) => invoice.data.chargeSets?.length)).toBe(true);
  });

  it('references only customers, items and invoices it created, and never over-applies an invoice', () => {
    const customerIds = new Set(
      sut.customers.map((customer) => customer.data.id),
    );
    const itemIds = new Set(sut.items.map((item) => item.data.id));
    const invoices = new Map(
      sut.invoices.map((invoice) => [invoice.data.id, invoice.data]),
    );
    const applied = new Map<string, Money>();
    const apply = (invoiceId: string, customerId: string, amount: string) => {
      expect(invoices.get(invoiceId)?.customerId).toBe(customerId);
      applied.set(
        invoiceId,
        (applied.get(invoiceId) ?? Money.zero('USD')).plus(
          Money.parse(amount, 'USD'),
        ),
      );
    };

    for (const invoice of sut.invoices) {
      expect(customerIds.has(invoice.data.customerId)).toBe(true);
      expect(invoice.data.lines.every((line) => itemIds.has(line.itemId))).toBe(
        true,
      );
    }
    for (const payment of sut.payments.filter(
      (p) => !sut.voidedPaymentIds.includes(p.data.id),
    )) {
      payment.data.applications.forEach((a) =>
        apply(a.invoiceId, payment.data.customerId, a.amount),
      );
    }
    for (const memo of sut.creditMemos)
      memo.data.applications?.forEach((a) =>
        apply(a.invoiceId, memo.data.customerId, a.amount),
      );

    for (const [invoiceId, amount] of applied) {
      const invoice = invoices.get(invoiceId);
      expect(invoice?.status).toBe('approved');
      expect(sut.cancelledInvoiceIds).not.toContain(invoiceId);
      expect(
        amount.compare(Money.parse(invoice?.total ?? '0', 'USD')),
      ).toBeLessThanOrEqual(0);
    }
  });

  it('states the open receivables that follow from its own events', () => {
    const applied = new Map<string, Money>();
    for (const payment of sut.payments.filter(
      (p) => !sut.voidedPaymentIds.includes(p.data.id),
    )) {
      for (const a of payment.data.applications)
        applied.set(
          a.invoiceId,
          (applied.get(a.invoiceId) ?? Money.zero('USD')).plus(
            Money.parse(a.amount, 'USD'),
          ),
        );
    }
    for (const memo of sut.creditMemos) {
      for (const a of memo.data.applications ?? [])
        applied.set(
          a.invoiceId,
          (applied.get(a.invoiceId) ?? Money.zero('USD')).plus(
            Money.parse(a.amount, 'USD'),
          ),
        );
    }
    const expected = sut.invoices
      .filter(
        (invoice) =>
          invoice.data.status === 'approved' &&
          !sut.cancelledInvoiceIds.includes(invoice.data.id),
      )
      .map((invoice) => ({
        id: invoice.data.id,
        open: Money.parse(invoice.data.total, 'USD').minus(
          applied.get(invoice.data.id) ?? Money.zero('USD'),
        ),
      }))
      .filter((invoice) => invoice.open.isPositive())
      .map((invoice) => [invoice.id, invoice.open.toString()]);

    expect(sut.openInvoices.map((open) => [open.invoiceId, open.open])).toEqual(
      expected,
    );
  });

  it('fills every default aging bucket as of month end', () => {
    const aging = ageOpenItems(
      sut.openInvoices.map((open) => ({
        ...open,
        amount: Money.parse(open.open, 'USD'),
      })),
      { asOf: sut.asOf, currency: 'USD' },
    );

    expect(
      aging.buckets.map((bucket) => [bucket.id, bucket.items.length > 0]),
    ).toEqual([
      ['current', true],
      ['1-30', true],
      ['31-60', true],
      ['61-90', true],
      ['91+', true],
    ]);
  });

  it('works in a currency without minor units', () => {
    const yen = generateReceivablesMonth({
      seed: 7,
      currency: 'JPY',
      invoiceCount: 40,
      backlogInvoiceCount: 10,
    });

    expect(
      yen.events.every(
        (event) =>
          parseInboundMessage(
            toKafkaMessage(event).topic,
            toKafkaMessage(event).value,
          ).ok,
      ),
    ).toBe(true);
    expect(yen.openInvoices.every((open) => /^\d+$/.test(open.open))).toBe(
      true,
    );
  });
});

function isInvoiceUpsert(
  event: InboundEvent,
): event is Extract<InboundEvent, { eventType: 'invoice.upserted' }> {
  return event.eventType === 'invoice.upserted';
}

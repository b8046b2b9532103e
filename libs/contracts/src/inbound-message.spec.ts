import {
  creditMemoData,
  customerData,
  envelope,
  invoiceData,
  itemData,
  paymentData,
} from '../test/events.fixture';
import { messageKeyOf } from './inbound-event';
import { parseInboundEvent, parseInboundMessage } from './inbound-message';
import { Topics } from './topics';

const invoiceJson = JSON.stringify(envelope('invoice.upserted', invoiceData()));

describe(parseInboundMessage.name, () => {
  it.each([
    [Topics.SourceCustomers, envelope('customer.upserted', customerData())],
    [Topics.SourceItems, envelope('item.upserted', itemData())],
    [Topics.SourceInvoices, envelope('invoice.upserted', invoiceData())],
    [Topics.SourceInvoices, envelope('invoice.cancelled', { id: 'inv-1' })],
    [Topics.SourcePayments, envelope('payment.recorded', paymentData())],
    [Topics.SourcePayments, envelope('payment.voided', { id: 'pay-1' })],
    [
      Topics.SourceCreditMemos,
      envelope('credit-memo.upserted', creditMemoData()),
    ],
    [
      Topics.SourceCreditMemos,
      envelope('credit-memo.cancelled', { id: 'cm-1' }),
    ],
  ])('accepts a valid event on %s', (topic, event) => {
    const sut = parseInboundMessage(topic, Buffer.from(JSON.stringify(event)));

    expect(sut).toEqual({ ok: true, event });
  });

  it('accepts a string value and narrows on eventType', () => {
    const sut = parseInboundMessage(Topics.SourceInvoices, invoiceJson);

    expect(sut.ok).toBe(true);
    if (sut.ok && sut.event.eventType === 'invoice.upserted') {
      expect(sut.event.data.lines).toHaveLength(2);
      expect(messageKeyOf(sut.event)).toBe('acme:inv-1');
    } else {
      throw new Error('expected an invoice.upserted event');
    }
  });

  it.each([null, undefined, '', Buffer.alloc(0)])(
    'rejects an empty value (%p)',
    (value) => {
      expect(parseInboundMessage(Topics.SourceInvoices, value)).toEqual({
        ok: false,
        reason: 'empty_value',
        errors: [
          {
            path: '',
            message: 'message value is empty; a JSON event is expected',
          },
        ],
      });
    },
  );

  it('rejects bytes that are not UTF-8', () => {
    const sut = parseInboundMessage(
      Topics.SourceInvoices,
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    );

    expect(sut).toMatchObject({ ok: false, reason: 'invalid_utf8' });
  });

  it('rejects text that is not JSON', () => {
    const sut = parseInboundMessage(Topics.SourceInvoices, '{"eventId": ');

    expect(sut).toMatchObject({
      ok: false,
      reason: 'invalid_json',
      errors: [{ path: '', message: expect.stringContaining('not JSON') }],
    });
  });

  it.each(['[]', '42', 'null', '"text"'])(
    'rejects JSON that is not an object: %s',
    (value) => {
      expect(parseInboundMessage(Topics.SourceInvoices, value)).toMatchObject({
        ok: false,
        reason: 'schema_violation',
      });
    },
  );

  it('rejects a topic that is not inbound', () => {
    expect(parseInboundMessage(Topics.SyncStatus, invoiceJson)).toMatchObject({
      ok: false,
      reason: 'unknown_topic',
    });
    expect(
      parseInboundMessage('arbiter.source.invoices.v2', invoiceJson),
    ).toMatchObject({ ok: false, reason: 'unknown_topic' });
  });

  it('rejects an unknown or missing eventType', () => {
    const unknown = JSON.stringify(envelope('invoice.paid', invoiceData()));
    const missing = JSON.stringify({
      ...envelope('x', invoiceData()),
      eventType: undefined,
    });

    expect(parseInboundMessage(Topics.SourceInvoices, unknown)).toEqual({
      ok: false,
      reason: 'unknown_event_type',
      errors: [
        { path: 'eventType', message: 'unknown eventType "invoice.paid"' },
      ],
    });
    expect(parseInboundMessage(Topics.SourceInvoices, missing)).toMatchObject({
      ok: false,
      reason: 'schema_violation',
      errors: [{ path: 'eventType', message: 'eventType is required' }],
    });
  });

  it('rejects an event on the wrong topic and names the right one', () => {
    expect(parseInboundMessage(Topics.SourcePayments, invoiceJson)).toEqual({
      ok: false,
      reason: 'wrong_topic',
      errors: [
        {
          path: 'eventType',
          message:
            '"invoice.upserted" belongs on arbiter.source.invoices.v1, not on arbiter.source.payments.v1',
        },
      ],
    });
  });

  it('lists every schema error with its path', () => {
    const event = envelope(
      'invoice.upserted',
      invoiceData({ total: 1250, issueDate: '2026-13-01' }),
      { occurredAt: '2026-10-31T17:04:05' },
    );

    const sut = parseInboundMessage(
      Topics.SourceInvoices,
      JSON.stringify(event),
    );

    expect(sut.ok).toBe(false);
    expect(!sut.ok && sut.reason).toBe('schema_violation');
    expect(!sut.ok && sut.errors.map((error) => error.path)).toEqual([
      'occurredAt',
      'data.issueDate',
      'data.total',
    ]);
  });

  it('rejects a money number even where JSON would keep its value', () => {
    const event = envelope('payment.recorded', paymentData({ amount: 1000 }));

    const sut = parseInboundMessage(
      Topics.SourcePayments,
      JSON.stringify(event),
    );

    expect(sut).toMatchObject({
      ok: false,
      reason: 'schema_violation',
      errors: [
        {
          path: 'data.amount',
          message: expect.stringContaining('not a JSON number'),
        },
      ],
    });
  });
});

describe(parseInboundEvent.name, () => {
  it('validates an already decoded value the same way', () => {
    const event = envelope('invoice.cancelled', { id: 'inv-1' });

    expect(parseInboundEvent(Topics.SourceInvoices, event)).toEqual({
      ok: true,
      event,
    });
    expect(
      parseInboundEvent(Topics.SourceInvoices, {
        ...event,
        data: { id: 'inv-1', reason: 'dup' },
      }),
    ).toMatchObject({
      ok: false,
      reason: 'schema_violation',
    });
  });
});

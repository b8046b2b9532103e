import {
  InvoiceCancelledV1,
  InvoiceUpsertedV1,
  Topics,
  parseInboundEvent,
} from '@arbiter/contracts';
import { buildInvoiceCancelled, buildInvoiceUpserted } from './invoice.builder';

describe(buildInvoiceUpserted.name, () => {
  it('builds a valid invoice whose lines and total add up', () => {
    const sut = buildInvoiceUpserted();

    expect(InvoiceUpsertedV1.safeParse(sut).success).toBe(true);
    expect(sut.data.lines.map((line) => line.amount)).toEqual([
      '1000.00',
      '250.00',
    ]);
    expect(sut.data.total).toBe('1250.00');
  });

  it('recomputes amounts and the total from overridden lines and discount', () => {
    const sut = buildInvoiceUpserted({
      data: {
        currency: 'KWD',
        discountTotal: '1.000',
        lines: [
          { quantity: '3', unitPrice: '1.2345' },
          { quantity: '1', unitPrice: '10' },
        ],
      },
    });

    expect(sut.data.lines.map((line) => line.amount)).toEqual([
      '3.704',
      '10.000',
    ]);
    expect(sut.data.total).toBe('12.704');
    expect(parseInboundEvent(Topics.SourceInvoices, sut).ok).toBe(true);
  });

  it('overrides envelope fields and keeps distinct ids per call', () => {
    const sut = buildInvoiceUpserted({
      tenantId: 'globex',
      entityVersion: 4,
      data: { status: 'in_revision' },
    });

    expect([sut.tenantId, sut.entityVersion, sut.data.status]).toEqual([
      'globex',
      4,
      'in_revision',
    ]);
    expect(buildInvoiceUpserted().data.id).not.toBe(
      buildInvoiceUpserted().data.id,
    );
    expect(buildInvoiceUpserted().eventId).not.toBe(
      buildInvoiceUpserted().eventId,
    );
  });

  it('lets a test build a bad message on purpose', () => {
    const sut = buildInvoiceUpserted({ data: { total: '1.00' } });

    expect(parseInboundEvent(Topics.SourceInvoices, sut)).toMatchObject({
      ok: false,
      errors: [{ path: 'data.total' }],
    });
  });
});

describe(buildInvoiceCancelled.name, () => {
  it('builds a valid cancellation of the given invoice', () => {
    const sut = buildInvoiceCancelled({ data: { id: 'inv-9' } });

    expect(InvoiceCancelledV1.safeParse(sut).success).toBe(true);
    expect(sut.data.id).toBe('inv-9');
    expect(sut.entityVersion).toBe(2);
  });
});

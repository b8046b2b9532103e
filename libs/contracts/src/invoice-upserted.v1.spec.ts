import { envelope, invoiceData, withLine } from '../test/events.fixture';
import { toContractErrors } from './contract-error';
import { InvoiceUpsertedV1 } from './invoice-upserted.v1';

const errorsOfEvent = (event: unknown) => {
  const result = InvoiceUpsertedV1.safeParse(event);
  return result.success ? [] : toContractErrors(result.error);
};
const errorsOf = (data: Record<string, unknown>) =>
  errorsOfEvent(envelope('invoice.upserted', data));

describe('InvoiceUpsertedV1', () => {
  it('accepts an invoice whose lines and total add up', () => {
    const sut = InvoiceUpsertedV1.safeParse(
      envelope('invoice.upserted', invoiceData()),
    );

    expect(sut.success).toBe(true);
    expect(sut.data?.data.total).toBe('1250.00');
  });

  it('rejects a line amount that is not quantity × unitPrice − discountAmount, naming the line', () => {
    expect(errorsOf(withLine(invoiceData(), 1, { amount: '300.00' }))).toEqual([
      {
        path: 'data.lines[1].amount',
        message: expect.stringContaining(
          '= 250.00 (product rounded half-up to 2 digits), got 300.00',
        ),
      },
    ]);
  });

  it('rounds the product half-up to the minor unit before comparing', () => {
    const line = {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '3',
      unitPrice: '0.125',
      amount: '0.38',
    };
    const data = invoiceData({ lines: [line], total: '0.38' });

    expect(errorsOf(data)).toEqual([]);
    expect(
      errorsOf({
        ...data,
        lines: [{ ...line, amount: '0.37' }],
        total: '0.37',
      }),
    ).toEqual([
      {
        path: 'data.lines[0].amount',
        message: expect.stringContaining('= 0.38'),
      },
    ]);
  });

  it('rounds negative ties away from zero, as QuickBooks does', () => {
    const line = {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '-1',
      unitPrice: '0.125',
      amount: '-0.13',
    };

    expect(errorsOf(invoiceData({ lines: [line], total: '-0.13' }))).toEqual(
      [],
    );
  });

  it('checks with exact decimals where floats would be wrong', () => {
    const line = {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '3',
      unitPrice: '0.1',
      amount: '0.30',
    };

    expect(errorsOf(invoiceData({ lines: [line], total: '0.30' }))).toEqual([]);
  });

  it('rejects a total that is not Σ amount − discountTotal', () => {
    expect(errorsOf(invoiceData({ discountTotal: '50.00' }))).toEqual([
      {
        path: 'data.total',
        message:
          'total must be Σ lines[].amount − discountTotal = 1250.00 − 50.00 = 1200.00, got 1250.00',
      },
    ]);
    expect(
      errorsOf(invoiceData({ discountTotal: '50.00', total: '1200.00' })),
    ).toEqual([]);
  });

  it('takes money in JPY without fraction digits and rejects fractions it does not have', () => {
    const line = {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '2',
      unitPrice: '490',
      amount: '980',
    };

    expect(
      errorsOf(invoiceData({ currency: 'JPY', lines: [line], total: '980' })),
    ).toEqual([]);
    expect(
      errorsOf(
        invoiceData({
          currency: 'JPY',
          lines: [{ ...line, amount: '980.0' }],
          total: '980',
        }),
      ),
    ).toEqual([
      {
        path: 'data.lines[0].amount',
        message: '980.0 has 1 fraction digits; JPY allows at most 0',
      },
    ]);
  });

  it('takes three-digit currencies to the fils', () => {
    const line = {
      id: 'l1',
      itemId: 'itm-1',
      quantity: '1',
      unitPrice: '12.345',
      amount: '12.345',
    };

    expect(
      errorsOf(
        invoiceData({ currency: 'KWD', lines: [line], total: '12.345' }),
      ),
    ).toEqual([]);
    expect(
      errorsOf(
        invoiceData({ currency: 'USD', lines: [line], total: '12.345' }),
      ),
    ).toEqual([
      {
        path: 'data.lines[0].amount',
        message: '12.345 has 3 fraction digits; USD allows at most 2',
      },
      {
        path: 'data.total',
        message: '12.345 has 3 fraction digits; USD allows at most 2',
      },
    ]);
  });

  it('rejects money sent as a JSON number and says why', () => {
    expect(errorsOf(invoiceData({ total: 1250 }))).toEqual([
      {
        path: 'data.total',
        message:
          'money must be a JSON string such as "1250.00", not a JSON number (numbers lose precision)',
      },
    ]);
  });

  it('rejects dates that are not on the calendar', () => {
    expect(errorsOf(invoiceData({ dueDate: '2026-02-29' }))).toEqual([
      {
        path: 'data.dueDate',
        message: '2026-02-29 is not a real calendar date',
      },
    ]);
  });

  it('rejects an unknown currency and an unknown status', () => {
    expect(errorsOf(invoiceData({ currency: 'XYZ', status: 'paid' }))).toEqual([
      {
        path: 'data.currency',
        message: '"XYZ" is not an ISO 4217 currency code',
      },
      {
        path: 'data.status',
        message:
          'status must be one of draft, approved, in_revision, cancelled',
      },
    ]);
  });

  it('rejects unknown fields in data, where a typo would silently drop money', () => {
    expect(errorsOf(invoiceData({ discount_total: '50.00' }))).toEqual([
      { path: 'data', message: expect.stringContaining('discount_total') },
    ]);
  });

  it('requires charge sets to name lines of this invoice, each line at most once', () => {
    const chargeSets = [
      { name: 'Hardware', lineIds: ['l1', 'l9'] },
      { name: 'Services', lineIds: ['l2', 'l1'] },
    ];

    expect(errorsOf(invoiceData({ chargeSets }))).toEqual([
      {
        path: 'data.chargeSets[0].lineIds[1]',
        message: 'line "l9" is not a line of this invoice',
      },
      {
        path: 'data.chargeSets[1].lineIds[1]',
        message: 'line "l1" is already in charge set "Hardware"',
      },
    ]);
  });

  it('rejects duplicate line ids, negative discounts and an invoice without lines', () => {
    expect(errorsOf(withLine(invoiceData(), 1, { id: 'l1' }))).toEqual([
      {
        path: 'data.lines[1].id',
        message: 'line id "l1" appears more than once',
      },
    ]);
    expect(
      errorsOf(invoiceData({ discountTotal: '-5.00', total: '1255.00' })),
    ).toEqual([
      {
        path: 'data.discountTotal',
        message: 'discountTotal must not be negative',
      },
    ]);
    expect(errorsOf(invoiceData({ lines: [], total: '0.00' }))).toEqual([
      { path: 'data.lines', message: 'an invoice needs at least one line' },
    ]);
  });

  it('keeps unknown envelope fields out of the parsed event without rejecting them', () => {
    const sut = InvoiceUpsertedV1.safeParse({
      ...envelope('invoice.upserted', invoiceData()),
      traceparent: '00-abc',
    });

    expect(sut.success).toBe(true);
    expect(sut.data).not.toHaveProperty('traceparent');
  });

  it('rejects a non-positive or fractional entityVersion and a too long eventId', () => {
    const errors = errorsOfEvent(
      envelope('invoice.upserted', invoiceData(), {
        entityVersion: 0,
        eventId: 'x'.repeat(129),
      }),
    );

    expect(errors.map((error) => error.path)).toEqual([
      'eventId',
      'entityVersion',
    ]);
    expect(
      InvoiceUpsertedV1.safeParse(
        envelope('invoice.upserted', invoiceData(), { entityVersion: 1.5 }),
      ).success,
    ).toBe(false);
  });
});

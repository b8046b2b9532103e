import type {
  InvoiceCancelledV1,
  InvoiceUpsertedDataV1,
  InvoiceUpsertedV1,
} from '@arbiter/contracts';
import {
  type DocumentLineOverrides,
  buildDocumentLine,
  documentTotal,
} from './document-line.builder';
import {
  type EnvelopeOverrides,
  envelopeFor,
  sequentialId,
} from './event-envelope';

export type InvoiceUpsertedOverrides = EnvelopeOverrides & {
  data?: Partial<Omit<InvoiceUpsertedDataV1, 'lines'>> & {
    lines?: DocumentLineOverrides[];
  };
};

/**
 * An `invoice.upserted` whose lines and total add up: line amounts are computed from quantity and unit
 * price, and `total` from the lines and `discountTotal`, unless given. Override `amount` or `total` to build
 * a bad message on purpose.
 */
export function buildInvoiceUpserted(
  overrides: InvoiceUpsertedOverrides = {},
): InvoiceUpsertedV1 {
  const { lines: lineOverrides, ...data } = overrides.data ?? {};
  const currency = data.currency ?? 'USD';
  const lines = (
    lineOverrides ?? [
      { quantity: '2', unitPrice: '500.00' },
      { quantity: '1', unitPrice: '300.00', discountAmount: '50.00' },
    ]
  ).map((line, index) => buildDocumentLine(line, currency, index));
  const id = data.id ?? sequentialId('inv');
  return {
    ...envelopeFor('invoice.upserted', overrides),
    data: {
      id,
      number: id.toUpperCase(),
      customerId: 'cus-1',
      issueDate: '2026-10-01',
      dueDate: '2026-10-31',
      status: 'approved',
      ...data,
      currency,
      lines,
      total: data.total ?? documentTotal(lines, currency, data.discountTotal),
    },
  };
}

export function buildInvoiceCancelled(
  overrides: EnvelopeOverrides & { data?: { id?: string } } = {},
): InvoiceCancelledV1 {
  return {
    ...envelopeFor('invoice.cancelled', { entityVersion: 2, ...overrides }),
    data: { id: overrides.data?.id ?? sequentialId('inv') },
  };
}

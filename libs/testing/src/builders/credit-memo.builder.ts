import type {
  CreditMemoCancelledV1,
  CreditMemoUpsertedDataV1,
  CreditMemoUpsertedV1,
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

export type CreditMemoUpsertedOverrides = EnvelopeOverrides & {
  data?: Partial<Omit<CreditMemoUpsertedDataV1, 'lines'>> & {
    lines?: DocumentLineOverrides[];
  };
};

/** A `credit-memo.upserted` whose lines add up to its total (computed unless given); unapplied by default. */
export function buildCreditMemoUpserted(
  overrides: CreditMemoUpsertedOverrides = {},
): CreditMemoUpsertedV1 {
  const { lines: lineOverrides, ...data } = overrides.data ?? {};
  const currency = data.currency ?? 'USD';
  const lines = (lineOverrides ?? [{ quantity: '1', unitPrice: '100.00' }]).map(
    (line, index) => buildDocumentLine(line, currency, index),
  );
  const id = data.id ?? sequentialId('cm');
  return {
    ...envelopeFor('credit-memo.upserted', overrides),
    data: {
      id,
      number: id.toUpperCase(),
      customerId: 'cus-1',
      issueDate: '2026-10-20',
      applications: [],
      ...data,
      currency,
      lines,
      total: data.total ?? documentTotal(lines, currency),
    },
  };
}

export function buildCreditMemoCancelled(
  overrides: EnvelopeOverrides & { data?: { id?: string } } = {},
): CreditMemoCancelledV1 {
  return {
    ...envelopeFor('credit-memo.cancelled', { entityVersion: 2, ...overrides }),
    data: { id: overrides.data?.id ?? sequentialId('cm') },
  };
}

import {
  CreditMemoCancelledV1,
  CreditMemoUpsertedV1,
} from '@arbiter/contracts';
import {
  buildCreditMemoCancelled,
  buildCreditMemoUpserted,
} from './credit-memo.builder';

describe(buildCreditMemoUpserted.name, () => {
  it('builds a valid credit memo whose lines add up to its total', () => {
    const sut = buildCreditMemoUpserted({
      data: {
        lines: [{ quantity: '2', unitPrice: '12.345' }],
        applications: [{ invoiceId: 'inv-1', amount: '20.00' }],
      },
    });

    expect(CreditMemoUpsertedV1.safeParse(sut).success).toBe(true);
    expect(sut.data.total).toBe('24.69');
  });
});

describe(buildCreditMemoCancelled.name, () => {
  it('builds a valid cancellation', () => {
    expect(
      CreditMemoCancelledV1.safeParse(buildCreditMemoCancelled()).success,
    ).toBe(true);
  });
});

import { creditMemoData, envelope } from '../test/events.fixture';
import { toContractErrors } from './contract-error';
import { CreditMemoUpsertedV1 } from './credit-memo-upserted.v1';

const errorsOf = (data: Record<string, unknown>) => {
  const result = CreditMemoUpsertedV1.safeParse(
    envelope('credit-memo.upserted', data),
  );
  return result.success ? [] : toContractErrors(result.error);
};

describe('CreditMemoUpsertedV1', () => {
  it('accepts a credit memo whose lines add up and whose applications fit', () => {
    expect(errorsOf(creditMemoData())).toEqual([]);
    expect(errorsOf(creditMemoData({ applications: undefined }))).toEqual([]);
  });

  it('rejects a total that is not Σ lines', () => {
    expect(
      errorsOf(creditMemoData({ total: '90.00', applications: [] })),
    ).toEqual([
      {
        path: 'data.total',
        message: 'total must be Σ lines[].amount = 100.00, got 90.00',
      },
    ]);
  });

  it('rejects applications beyond the total', () => {
    expect(
      errorsOf(
        creditMemoData({
          applications: [{ invoiceId: 'inv-1', amount: '100.01' }],
        }),
      ),
    ).toEqual([
      {
        path: 'data.applications',
        message: 'Σ applications[].amount = 100.01 exceeds total 100.00',
      },
    ]);
  });

  it('rejects a line that does not add up', () => {
    const lines = [
      {
        id: 'l1',
        itemId: 'itm-1',
        quantity: '1',
        unitPrice: '100.00',
        discountAmount: '10.00',
        amount: '100.00',
      },
    ];

    expect(errorsOf(creditMemoData({ lines }))).toEqual([
      {
        path: 'data.lines[0].amount',
        message: expect.stringContaining('= 90.00'),
      },
    ]);
  });

  it('rejects a negative total', () => {
    const lines = [
      {
        id: 'l1',
        itemId: 'itm-1',
        quantity: '-1',
        unitPrice: '100.00',
        amount: '-100.00',
      },
    ];

    expect(
      errorsOf(creditMemoData({ lines, total: '-100.00', applications: [] })),
    ).toEqual([
      {
        path: 'data.total',
        message: 'a credit memo total must not be negative',
      },
    ]);
  });
});

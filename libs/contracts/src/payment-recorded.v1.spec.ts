import { envelope, paymentData } from '../test/events.fixture';
import { toContractErrors } from './contract-error';
import { PaymentRecordedV1 } from './payment-recorded.v1';

const errorsOf = (data: Record<string, unknown>) => {
  const result = PaymentRecordedV1.safeParse(
    envelope('payment.recorded', data),
  );
  return result.success ? [] : toContractErrors(result.error);
};

describe('PaymentRecordedV1', () => {
  it('accepts a payment fully applied, partly applied or not applied at all', () => {
    expect(errorsOf(paymentData())).toEqual([]);
    expect(
      errorsOf(
        paymentData({ applications: [{ invoiceId: 'inv-1', amount: '0.01' }] }),
      ),
    ).toEqual([]);
    expect(errorsOf(paymentData({ applications: [] }))).toEqual([]);
  });

  it('rejects applications that add up to more than the payment', () => {
    expect(errorsOf(paymentData({ amount: '999.99' }))).toEqual([
      {
        path: 'data.applications',
        message: 'Σ applications[].amount = 1000.00 exceeds amount 999.99',
      },
    ]);
  });

  it('rejects zero or negative applications and the same invoice twice', () => {
    const applications = [
      { invoiceId: 'inv-1', amount: '0.00' },
      { invoiceId: 'inv-2', amount: '-1.00' },
      { invoiceId: 'inv-2', amount: '1.00' },
    ];

    expect(errorsOf(paymentData({ applications }))).toEqual([
      {
        path: 'data.applications[0].amount',
        message: 'application amount must be greater than 0, got 0.00',
      },
      {
        path: 'data.applications[1].amount',
        message: 'application amount must be greater than 0, got -1.00',
      },
      {
        path: 'data.applications[2].invoiceId',
        message: 'invoice "inv-2" is applied more than once',
      },
    ]);
  });

  it('checks amounts against the currency and rejects a negative payment', () => {
    expect(
      errorsOf(paymentData({ amount: '1000.001', applications: [] })),
    ).toEqual([
      {
        path: 'data.amount',
        message: '1000.001 has 3 fraction digits; USD allows at most 2',
      },
    ]);
    expect(
      errorsOf(paymentData({ amount: '-5.00', applications: [] })),
    ).toEqual([
      { path: 'data.amount', message: 'a payment amount must not be negative' },
    ]);
  });

  it('rejects a JSON number as an application amount', () => {
    expect(
      errorsOf(
        paymentData({ applications: [{ invoiceId: 'inv-1', amount: 10 }] }),
      ),
    ).toEqual([
      {
        path: 'data.applications[0].amount',
        message: expect.stringContaining('not a JSON number'),
      },
    ]);
  });
});

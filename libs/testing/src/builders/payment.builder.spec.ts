import { PaymentRecordedV1, PaymentVoidedV1 } from '@arbiter/contracts';
import { buildPaymentRecorded, buildPaymentVoided } from './payment.builder';

describe(buildPaymentRecorded.name, () => {
  it('builds a valid payment, fully applied by default', () => {
    const sut = buildPaymentRecorded({
      data: {
        applications: [
          { invoiceId: 'inv-1', amount: '0.10' },
          { invoiceId: 'inv-2', amount: '0.20' },
        ],
      },
    });

    expect(PaymentRecordedV1.safeParse(sut).success).toBe(true);
    expect(sut.data.amount).toBe('0.30');
  });

  it('keeps an explicit amount, leaving the rest unapplied', () => {
    const sut = buildPaymentRecorded({ data: { amount: '500.00' } });

    expect(PaymentRecordedV1.safeParse(sut).success).toBe(true);
    expect(sut.data.amount).toBe('500.00');
  });
});

describe(buildPaymentVoided.name, () => {
  it('builds a valid void', () => {
    expect(
      PaymentVoidedV1.safeParse(buildPaymentVoided({ data: { id: 'pay-1' } }))
        .success,
    ).toBe(true);
  });
});

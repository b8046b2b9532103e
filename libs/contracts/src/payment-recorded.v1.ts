import { z } from 'zod';
import { ApplicationV1, checkApplications } from './application';
import { IsoDate } from './calendar-date';
import { reporterFor } from './contract-error';
import {
  MoneyString,
  isNegativeDecimal,
  moneyDigitsProblem,
} from './decimal-string';
import { Currency, EntityId } from './identifiers';
import { inboundEvent } from './inbound-envelope';

/** A payment received on the platform. `data` is strict: see `invoice-upserted.v1.ts`. */
export const PaymentRecordedDataV1 = z
  .strictObject({
    id: EntityId,
    customerId: EntityId,
    receivedOn: IsoDate,
    amount: MoneyString,
    currency: Currency,
    method: z.string().min(1).max(64).optional(),
    reference: z.string().min(1).max(128).optional(),
    /** Σ applications ≤ amount; the rest stays on the customer as unapplied credit. */
    applications: z.array(ApplicationV1),
  })
  .superRefine((payment, ctx) => {
    const report = reporterFor(ctx);
    const problem = moneyDigitsProblem(payment.amount, payment.currency);
    if (problem) report(['amount'], problem);
    if (isNegativeDecimal(payment.amount)) {
      report(['amount'], 'a payment amount must not be negative');
      return;
    }
    checkApplications(
      payment.applications,
      { value: payment.amount, path: 'amount' },
      payment.currency,
      report,
    );
  });
export type PaymentRecordedDataV1 = z.infer<typeof PaymentRecordedDataV1>;

export const PaymentRecordedV1 = inboundEvent(
  'payment.recorded',
  PaymentRecordedDataV1,
);
export type PaymentRecordedV1 = z.infer<typeof PaymentRecordedV1>;

import { z } from 'zod';
import { ApplicationV1, checkApplications } from './application';
import { IsoDate } from './calendar-date';
import { reporterFor } from './contract-error';
import { MoneyString, moneyDigitsProblem } from './decimal-string';
import { Currency, EntityId, EventId, TenantId } from './identifiers';

/**
 * `arbiter.sync.payments-imported.v1`: a payment recorded (or voided) in QuickBooks and pulled back.
 * `customerId` and `applications[].invoiceId` are source ids. `currency` is an addition to CONTRACT.md
 * (optional); with it, amounts are checked against its minor unit and Σ applications ≤ amount.
 */
export const PaymentImportedV1 = z
  .strictObject({
    eventId: EventId,
    tenantId: TenantId,
    qboPaymentId: z.string().min(1).max(64),
    customerId: EntityId,
    receivedOn: IsoDate,
    currency: Currency.optional(),
    amount: MoneyString,
    applications: z.array(ApplicationV1),
    voided: z.boolean(),
  })
  .superRefine((event, ctx) => {
    const report = reporterFor(ctx);
    const { currency } = event;
    if (currency === undefined) return;
    const problem = moneyDigitsProblem(event.amount, currency);
    if (problem) report(['amount'], problem);
    checkApplications(
      event.applications,
      { value: event.amount, path: 'amount' },
      currency,
      report,
    );
  });
export type PaymentImportedV1 = z.infer<typeof PaymentImportedV1>;

import { z } from 'zod';
import { IsoDate, IsoInstant } from './calendar-date';
import { reporterFor } from './contract-error';
import { MoneyString, moneyDigitsProblem } from './decimal-string';
import { Currency, EntityId, EventId, TenantId } from './identifiers';

export const InvoiceBalanceStates = [
  'open',
  'partly_paid',
  'paid',
  'voided',
] as const;
export type InvoiceBalanceState = (typeof InvoiceBalanceStates)[number];

/**
 * `arbiter.sync.balances.v1`: an invoice's balance as QuickBooks reports it. `currency` is an addition to
 * CONTRACT.md (optional); when present, `total` and `balance` are checked against its minor unit.
 */
export const SyncBalanceV1 = z
  .strictObject({
    eventId: EventId,
    tenantId: TenantId,
    invoiceId: EntityId,
    qboId: z.string().min(1).max(64),
    currency: Currency.optional(),
    total: MoneyString,
    balance: MoneyString,
    state: z.enum(InvoiceBalanceStates),
    paidOn: IsoDate.optional(),
    checkedAt: IsoInstant,
  })
  .superRefine((event, ctx) => {
    const report = reporterFor(ctx);
    const { currency } = event;
    if (currency === undefined) return;
    for (const field of ['total', 'balance'] as const) {
      const problem = moneyDigitsProblem(event[field], currency);
      if (problem) report([field], problem);
    }
  });
export type SyncBalanceV1 = z.infer<typeof SyncBalanceV1>;

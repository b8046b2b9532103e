import {
  CurrencyMinorUnits,
  Topics,
  parseInboundEvent,
} from '@arbiter/contracts';
import fc from 'fast-check';
import { buildInvoiceUpserted } from './invoice.builder';

/** A decimal string with up to `maxFraction` fraction digits. */
const decimal = (maxUnits: bigint, maxFraction: number, min = 0n) =>
  fc
    .tuple(
      fc.bigInt({ min, max: maxUnits }),
      fc.integer({ min: 0, max: maxFraction }),
    )
    .map(([units, scale]) => {
      const negative = units < 0n;
      const digits = (negative ? -units : units)
        .toString()
        .padStart(scale + 1, '0');
      const text =
        scale === 0
          ? digits
          : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
      return negative ? `-${text}` : text;
    });

describe('builder invariants', () => {
  it('domain rounding and the contract check agree on every line: built invoices always validate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('USD', 'JPY', 'KWD', 'CLF', 'EUR'),
        // |quantity| ≤ 10^6 and unitPrice ≤ 10^7 keep Σ amounts inside the contract's 15 integer digits.
        fc.array(
          fc.record({
            quantity: decimal(10n ** 6n, 6, -(10n ** 6n)),
            unitPrice: decimal(10n ** 7n, 6),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (currency, lines) => {
          const sut = buildInvoiceUpserted({ data: { currency, lines } });

          const result = parseInboundEvent(Topics.SourceInvoices, sut);

          expect(result).toMatchObject({ ok: true });
          expect(sut.data.total.split('.')[1]?.length ?? 0).toBe(
            CurrencyMinorUnits[currency as keyof typeof CurrencyMinorUnits],
          );
        },
      ),
    );
  });
});

import fc from 'fast-check';
import { Money } from './money';

const CURRENCY_DIGITS = { USD: 2, JPY: 0, KWD: 3, CLF: 4 } as const;
type TestCurrency = keyof typeof CURRENCY_DIGITS;

/** Random wire decimal strings with at most the currency's digits, up to 20 integer digits. */
const decimalIn = (currency: TestCurrency) =>
  fc
    .tuple(
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.integer({ min: 0, max: CURRENCY_DIGITS[currency] }),
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

const moneyTriple = fc
  .constantFrom(...(Object.keys(CURRENCY_DIGITS) as TestCurrency[]))
  .chain((currency) =>
    fc
      .tuple(decimalIn(currency), decimalIn(currency), decimalIn(currency))
      .map((texts) => texts.map((text) => Money.parse(text, currency))),
  );

describe('Money invariants', () => {
  it('adds commutatively', () => {
    fc.assert(
      fc.property(moneyTriple, ([a, b]) =>
        expect(a.plus(b).equals(b.plus(a))).toBe(true),
      ),
    );
  });

  it('adds associatively', () => {
    fc.assert(
      fc.property(moneyTriple, ([a, b, c]) =>
        expect(
          a
            .plus(b)
            .plus(c)
            .equals(a.plus(b.plus(c))),
        ).toBe(true),
      ),
    );
  });

  it('subtracts as the inverse of adding, and negation is an involution', () => {
    fc.assert(
      fc.property(moneyTriple, ([a, b]) => {
        expect(a.plus(b).minus(b).equals(a)).toBe(true);
        expect(a.minus(b).equals(a.plus(b.negate()))).toBe(true);
        expect(a.negate().negate().equals(a)).toBe(true);
      }),
    );
  });

  it('agrees with exact bigint arithmetic on minor units', () => {
    fc.assert(
      fc.property(moneyTriple, ([a, b, c]) => {
        expect(a.plus(b).minus(c).toMinorUnits()).toBe(
          a.toMinorUnits() + b.toMinorUnits() - c.toMinorUnits(),
        );
        expect(a.compare(b)).toBe(
          Math.sign(Number(a.toMinorUnits() - b.toMinorUnits())),
        );
      }),
    );
  });

  it('round-trips through its wire string', () => {
    fc.assert(
      fc.property(moneyTriple, ([a]) =>
        expect(Money.parse(a.toString(), a.currency).equals(a)).toBe(true),
      ),
    );
  });
});

import Decimal from 'decimal.js';
import { CurrencyMismatch, DomainError } from '../errors';
import { Money } from './money';

const usd = (text: string) => Money.parse(text, 'USD');

describe(Money.name, () => {
  describe('parse', () => {
    it.each([
      ['1250.00', 'USD', '1250.00'],
      ['-3.5', 'USD', '-3.50'],
      ['980', 'JPY', '980'],
      ['1.234', 'KWD', '1.234'],
      ['0.0001', 'CLF', '0.0001'],
      ['-0', 'USD', '0.00'],
      ['007.10', 'EUR', '7.10'],
    ])('reads %s %s as %s', (text, currency, expected) => {
      const sut = Money.parse(text, currency);

      expect(sut.toString()).toBe(expected);
      expect(sut.currency).toBe(currency);
    });

    it.each(['1.005', '1e3', '', ' 1', '1,00', '0x10', 'NaN', 'Infinity'])(
      'rejects %j as an amount',
      (text) => {
        expect(() => usd(text)).toThrow(
          expect.objectContaining({ code: 'INVALID_AMOUNT' }),
        );
      },
    );

    it('rejects yen with fractions and unknown currencies', () => {
      expect(() => Money.parse('980.5', 'JPY')).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
      expect(() => Money.parse('1', 'XAU')).toThrow(
        expect.objectContaining({ code: 'UNKNOWN_CURRENCY' }),
      );
      expect(() => Money.parse('1', 'usd')).toThrow(DomainError);
    });

    it('refuses amounts whose arithmetic could no longer be exact', () => {
      expect(() => usd('10000000000000000000000000000')).toThrow(
        expect.objectContaining({ code: 'AMOUNT_OUT_OF_RANGE' }),
      );
      expect(usd('9999999999999999999999999999.99').toString()).toBe(
        '9999999999999999999999999999.99',
      );
      expect(() =>
        usd('9999999999999999999999999999.99').plus(usd('0.01')),
      ).toThrow(expect.objectContaining({ code: 'AMOUNT_OUT_OF_RANGE' }));
    });
  });

  describe('arithmetic', () => {
    it('adds and subtracts exactly where floats do not', () => {
      const sut = usd('0.10').plus(usd('0.20'));

      expect(sut.toString()).toBe('0.30');
      expect(sut.minus(usd('0.30')).isZero()).toBe(true);
      expect(usd('1234567890123456.78').plus(usd('0.01')).toString()).toBe(
        '1234567890123456.79',
      );
    });

    it('refuses to mix currencies', () => {
      const sut = usd('1.00');

      expect(() => sut.plus(Money.parse('1.00', 'EUR'))).toThrow(
        CurrencyMismatch,
      );
      expect(() => sut.minus(Money.parse('1.00', 'EUR'))).toThrow(
        expect.objectContaining({
          code: 'CURRENCY_MISMATCH',
          expected: 'USD',
          actual: 'EUR',
        }),
      );
      expect(() => sut.compare(Money.parse('1', 'JPY'))).toThrow(
        CurrencyMismatch,
      );
      expect(sut.equals(Money.parse('1.00', 'EUR'))).toBe(false);
    });

    it('negates, takes the absolute value and never shows -0', () => {
      expect(usd('12.50').negate().toString()).toBe('-12.50');
      expect(usd('-12.50').abs().toString()).toBe('12.50');
      expect(usd('0').negate().toString()).toBe('0.00');
      expect(usd('0.01').minus(usd('0.01')).toString()).toBe('0.00');
    });

    it('compares and tells the sign', () => {
      expect(usd('1.00').compare(usd('2.00'))).toBe(-1);
      expect(usd('2.00').compare(usd('2'))).toBe(0);
      expect(usd('-0.01').isNegative()).toBe(true);
      expect(usd('0.01').isPositive()).toBe(true);
      expect(usd('0').isPositive() || usd('0').isNegative()).toBe(false);
    });

    it.each([
      ['1.00', '0.125', '0.13'],
      ['-1.00', '0.125', '-0.13'],
      ['10.00', '0.3333', '3.33'],
      ['2.50', '0.5', '1.25'],
      ['1.00', '0.005', '0.01'],
      ['1.00', '0.0049999999999', '0.00'],
      ['3.00', '-1', '-3.00'],
    ])('%s × %s rounds half-up to %s', (amount, factor, expected) => {
      const sut = usd(amount).times(factor);

      expect(sut.toString()).toBe(expected);
    });

    it.each([
      ['3', '0.125', 'USD', '0.38'],
      ['7.5', '120', 'USD', '900.00'],
      ['1000000', '0.0045', 'USD', '4500.00'],
      ['-1', '0.125', 'USD', '-0.13'],
      ['3', '0.3333', 'JPY', '1'],
      ['2', '0.0005', 'KWD', '0.001'],
    ])(
      'prices %s × %s %s as %s (one half-up rounding)',
      (quantity, rate, currency, expected) => {
        expect(Money.product(quantity, rate, currency).toString()).toBe(
          expected,
        );
      },
    );

    it('rejects a product of something that is not a decimal', () => {
      expect(() => Money.product('1e3', '1', 'USD')).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
      expect(() => usd('1.00').times('abc')).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
    });

    it('multiplies without rounding twice, even beyond 34 digits', () => {
      const sut = usd('1.00').times(
        '0.004999999999999999999999999999999999999',
      );

      expect(sut.toString()).toBe('0.00');
    });
  });

  describe('construction', () => {
    it('rounds any decimal half-up to the minor unit with rounded()', () => {
      expect(Money.rounded('2.345', 'USD').toString()).toBe('2.35');
      expect(Money.rounded('-2.345', 'USD').toString()).toBe('-2.35');
      expect(Money.rounded('2.344', 'USD').toString()).toBe('2.34');
      expect(Money.rounded('1234.5', 'JPY').toString()).toBe('1235');
      expect(Money.rounded(new Decimal('1.0005'), 'BHD').toString()).toBe(
        '1.001',
      );
    });

    it('takes a Decimal of any clone exactly, but not one finer than the minor unit', () => {
      expect(Money.of(new Decimal('19.99'), 'USD').toString()).toBe('19.99');
      expect(() => Money.of(new Decimal('19.999'), 'USD')).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
      expect(() => Money.of(new Decimal(Infinity), 'USD')).toThrow(
        expect.objectContaining({ code: 'INVALID_AMOUNT' }),
      );
    });

    it('converts to and from minor units', () => {
      expect(usd('-12.34').toMinorUnits()).toBe(-1234n);
      expect(Money.parse('980', 'JPY').toMinorUnits()).toBe(980n);
      expect(Money.parse('1.5', 'KWD').toMinorUnits()).toBe(1500n);
      expect(Money.fromMinorUnits(-5n, 'USD').toString()).toBe('-0.05');
      expect(Money.fromMinorUnits(12345n, 'CLF').toString()).toBe('1.2345');
    });

    it('sums a list, and names the currency of an empty one', () => {
      expect(
        Money.sum([usd('1.10'), usd('2.20'), usd('-0.30')], 'USD').toString(),
      ).toBe('3.00');
      expect(Money.sum([], 'JPY').toString()).toBe('0');
      expect(() => Money.sum([usd('1')], 'EUR')).toThrow(CurrencyMismatch);
    });

    it('serialises as its wire string', () => {
      expect(JSON.stringify({ total: usd('1250') })).toBe(
        '{"total":"1250.00"}',
      );
    });
  });
});

import { DomainError } from '../errors';
import { Money } from '../money/money';
import {
  formatMinorUnits,
  minorDigitsOf,
  parseMinorUnits,
} from './minor-units';

describe(parseMinorUnits.name, () => {
  it.each([
    ['1250.50', 'USD', 125050n],
    ['-3.5', 'USD', -350n],
    ['980', 'JPY', 980n],
    ['1.234', 'KWD', 1234n],
    ['0', 'USD', 0n],
    ['12345678901234.56', 'USD', 1234567890123456n],
  ])('reads %s %s as %s minor units', (text, currency, expected) => {
    expect(parseMinorUnits(text, currency)).toBe(expected);
  });

  it('accepts zeros past the minor unit, as PostgreSQL numeric(19,4) prints them', () => {
    expect(parseMinorUnits('1250.5000', 'USD')).toBe(125050n);
    expect(parseMinorUnits('980.0000', 'JPY')).toBe(980n);
  });

  it.each([['1.005'], ['1e3'], [''], ['1,000.00'], ['+1'], [' 1']])(
    'refuses %j instead of rounding or guessing',
    (text) => {
      expect(() => parseMinorUnits(text, 'USD')).toThrow(DomainError);
    },
  );

  it('agrees with Money on every amount it reads', () => {
    for (const text of ['0.01', '-0.01', '999999999999999.99', '42']) {
      expect(parseMinorUnits(text, 'USD')).toBe(
        Money.parse(text, 'USD').toMinorUnits(),
      );
    }
  });

  it('refuses an unknown currency', () => {
    expect(() => parseMinorUnits('1', 'XXX')).toThrow(/ISO 4217/);
  });
});

describe(formatMinorUnits.name, () => {
  it.each([
    [125050n, 'USD', '1250.50'],
    [-5n, 'USD', '-0.05'],
    [0n, 'USD', '0.00'],
    [980n, 'JPY', '980'],
    [-1234n, 'KWD', '-1.234'],
  ])('writes %s %s as %s', (units, currency, expected) => {
    expect(formatMinorUnits(units, currency)).toBe(expected);
    expect(parseMinorUnits(expected, currency)).toBe(units);
  });

  it('knows each currency’s digits', () => {
    expect([
      minorDigitsOf('USD'),
      minorDigitsOf('JPY'),
      minorDigitsOf('BHD'),
    ]).toEqual([2, 0, 3]);
  });
});

import { Dec, numberText, parseDecimal, reportMoney, sum, toCents } from './money';

describe('money', () => {
  it('parses decimal text exactly and refuses anything else', () => {
    expect(parseDecimal('0.10')?.toFixed()).toBe('0.1');
    expect(parseDecimal(' 1e2 ')?.toFixed()).toBe('100');
    expect(parseDecimal('12345678901234567890.123456789')?.toFixed()).toBe('12345678901234567890.123456789');
    expect(parseDecimal('abc')).toBeUndefined();
    expect(parseDecimal('1,000')).toBeUndefined();
    expect(parseDecimal('')).toBeUndefined();
  });

  it('sums without float drift and rounds to cents half-up', () => {
    expect(sum([new Dec('0.1'), new Dec('0.2')]).toFixed()).toBe('0.3');
    expect(toCents(new Dec('2.345')).toFixed()).toBe('2.35');
    expect(toCents(new Dec('-2.345')).toFixed()).toBe('-2.35');
    expect(toCents(new Dec('0.999')).toFixed()).toBe('1');
  });

  it('renders JSON number text without exponents or negative zero, and report cells with two places', () => {
    expect(numberText(new Dec('1e21'))).toBe('1000000000000000000000');
    expect(numberText(new Dec('-0'))).toBe('0');
    expect(reportMoney(new Dec('37.5'))).toBe('37.50');
    expect(reportMoney(new Dec('-0'))).toBe('0.00');
    expect(reportMoney(new Dec('-20'))).toBe('-20.00');
  });
});

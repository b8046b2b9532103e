import { CurrencyMismatch } from '../errors';
import { allocate, allocateEvenly } from './allocate';
import { Money } from './money';

const usd = (text: string) => Money.parse(text, 'USD');
const strings = (parts: Money[]) => parts.map((part) => part.toString());

describe(allocate.name, () => {
  it('splits 100.00 in thirds without losing the cent, the extra cent to the first part', () => {
    const sut = allocate(usd('100.00'), ['1', '1', '1']);

    expect(strings(sut)).toEqual(['33.34', '33.33', '33.33']);
  });

  it('gives leftover units to the largest remainders', () => {
    // exact shares of 10 cents: 1.43, 3.57, 5 → floors 1, 3, 5 (= 9); largest remainder .57 → the second gets the cent
    const sut = allocate(usd('0.10'), ['2', '5', '7']);

    expect(strings(sut)).toEqual(['0.01', '0.04', '0.05']);
  });

  it('weights by decimal strings, bigints or Money alike', () => {
    expect(strings(allocate(usd('10.00'), ['0.25', '0.75']))).toEqual([
      '2.50',
      '7.50',
    ]);
    expect(strings(allocate(usd('10.00'), [1n, 3n]))).toEqual(['2.50', '7.50']);
    expect(
      strings(allocate(usd('10.00'), [usd('30.00'), usd('90.00')])),
    ).toEqual(['2.50', '7.50']);
  });

  it('splits a negative total as the mirror image of the positive one', () => {
    expect(strings(allocate(usd('-100.00'), ['1', '1', '1']))).toEqual([
      '-33.34',
      '-33.33',
      '-33.33',
    ]);
  });

  it('works in whole yen and in fils', () => {
    expect(
      strings(allocate(Money.parse('1000', 'JPY'), ['1', '1', '1'])),
    ).toEqual(['334', '333', '333']);
    expect(strings(allocate(Money.parse('1.000', 'KWD'), ['1', '2']))).toEqual([
      '0.333',
      '0.667',
    ]);
  });

  it('gives nothing to zero weights', () => {
    expect(strings(allocate(usd('5.00'), ['0', '1', '0']))).toEqual([
      '0.00',
      '5.00',
      '0.00',
    ]);
    expect(strings(allocate(usd('0.00'), ['0', '0']))).toEqual([
      '0.00',
      '0.00',
    ]);
  });

  it('rejects weights that cannot split anything', () => {
    expect(() => allocate(usd('1.00'), [])).toThrow(
      expect.objectContaining({ code: 'INVALID_ALLOCATION' }),
    );
    expect(() => allocate(usd('1.00'), ['0', '0'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ALLOCATION' }),
    );
    expect(() => allocate(usd('1.00'), ['-1', '2'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ALLOCATION' }),
    );
    expect(() => allocate(usd('1.00'), [-1n, 2n])).toThrow(
      expect.objectContaining({ code: 'INVALID_ALLOCATION' }),
    );
    expect(() => allocate(usd('1.00'), ['1e2'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ALLOCATION' }),
    );
    expect(() => allocate(usd('1.00'), [Money.parse('1', 'EUR')])).toThrow(
      CurrencyMismatch,
    );
  });
});

describe(allocateEvenly.name, () => {
  it('splits into n parts that differ by at most one minor unit', () => {
    expect(strings(allocateEvenly(usd('0.05'), 3))).toEqual([
      '0.02',
      '0.02',
      '0.01',
    ]);
    expect(strings(allocateEvenly(usd('0.02'), 4))).toEqual([
      '0.01',
      '0.01',
      '0.00',
      '0.00',
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %p parts', (count) => {
    expect(() => allocateEvenly(usd('1.00'), count)).toThrow(
      expect.objectContaining({ code: 'INVALID_ALLOCATION' }),
    );
  });
});

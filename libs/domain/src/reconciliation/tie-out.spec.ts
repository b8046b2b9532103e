import { CurrencyMismatch } from '../errors';
import { Money } from '../money/money';
import { checkTieOut, compareBuckets, sumMoney } from './tie-out';

const usd = (text: string) => Money.parse(text, 'USD');
const ORDER = ['current', '1-30', '31-60', '61-90', '91+'];

describe(sumMoney.name, () => {
  it('sums exactly and names the currency of an empty list', () => {
    expect(sumMoney([usd('0.10'), usd('0.20')], 'USD').toString()).toBe('0.30');
    expect(sumMoney([], 'EUR').toString()).toBe('0.00');
  });
});

describe(compareBuckets.name, () => {
  it('computes source − qbo per bucket in schedule order, a missing side counting as zero', () => {
    const source = new Map([
      ['current', usd('1200.00')],
      ['1-30', usd('300.00')],
    ]);
    const qbo = new Map([
      ['current', usd('1200.00')],
      ['91+', usd('75.50')],
    ]);

    const sut = compareBuckets(ORDER, source, qbo, 'USD');

    expect(
      sut.map((row) => [
        row.bucket,
        row.source.toString(),
        row.qbo.toString(),
        row.difference.toString(),
      ]),
    ).toEqual([
      ['current', '1200.00', '1200.00', '0.00'],
      ['1-30', '300.00', '0.00', '300.00'],
      ['31-60', '0.00', '0.00', '0.00'],
      ['61-90', '0.00', '0.00', '0.00'],
      ['91+', '0.00', '75.50', '-75.50'],
    ]);
  });

  it('keeps buckets outside the order instead of dropping their amounts', () => {
    const sut = compareBuckets(
      ['current'],
      new Map([['121+', usd('5.00')]]),
      new Map(),
      'USD',
    );

    expect(sut.map((row) => row.bucket)).toEqual(['current', '121+']);
  });
});

describe(checkTieOut.name, () => {
  const rows = compareBuckets(
    ORDER,
    new Map([
      ['current', usd('1200.00')],
      ['31-60', usd('10.01')],
    ]),
    new Map([
      ['current', usd('1199.99')],
      ['91+', usd('3.00')],
    ]),
    'USD',
  );

  it('ties out a computed comparison and returns its totals', () => {
    const sut = checkTieOut(rows, 'USD');

    expect(sut.ok).toBe(true);
    expect(
      [sut.totals.source, sut.totals.qbo, sut.totals.difference].map(String),
    ).toEqual(['1210.01', '1202.99', '7.02']);
  });

  it('names a bucket whose difference is not source − qbo, and the broken grand total', () => {
    const broken = rows.map((row) =>
      row.bucket === '31-60' ? { ...row, difference: usd('10.00') } : row,
    );

    const sut = checkTieOut(broken, 'USD');

    expect(sut.ok).toBe(false);
    expect(
      !sut.ok &&
        sut.violations.map((v) => [
          v.total,
          v.expected.toString(),
          v.actual.toString(),
        ]),
    ).toEqual([
      ['bucket 31-60 difference', '10.01', '10.00'],
      ['Σ difference', '7.02', '7.01'],
    ]);
    expect(!sut.ok && sut.violations[0].message).toBe(
      'bucket 31-60 difference is 10.00, should be 10.01 (off by -0.01)',
    );
  });

  it('checks declared totals against the columns, to the cent', () => {
    const sut = checkTieOut(rows, 'USD', {
      source: usd('1210.01'),
      qbo: usd('1203.00'),
      difference: usd('7.02'),
    });

    expect(!sut.ok && sut.violations.map((v) => v.total)).toEqual([
      'totals.qbo',
    ]);
  });

  it('refuses a comparison that mixes currencies', () => {
    const eur = Money.parse('1.00', 'EUR');

    expect(() =>
      checkTieOut(
        [
          {
            bucket: 'current',
            source: eur,
            qbo: eur,
            difference: Money.zero('EUR'),
          },
        ],
        'USD',
      ),
    ).toThrow(CurrencyMismatch);
  });
});

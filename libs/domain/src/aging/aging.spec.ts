import { CurrencyMismatch } from '../errors';
import { Money } from '../money/money';
import {
  ageInDays,
  ageOpenItems,
  agingBuckets,
  bucketIndexForAge,
} from './aging';

const usd = (text: string) => Money.parse(text, 'USD');
const item = (
  id: string,
  amount: string,
  issueDate: string,
  dueDate: string,
) => ({ id, amount: usd(amount), issueDate, dueDate });

describe(agingBuckets.name, () => {
  it('defaults to Current, 1–30, 31–60, 61–90, 91+', () => {
    const sut = agingBuckets();

    expect(sut).toEqual([
      { id: 'current', label: 'Current', fromDays: null, toDays: 0 },
      { id: '1-30', label: '1 - 30', fromDays: 1, toDays: 30 },
      { id: '31-60', label: '31 - 60', fromDays: 31, toDays: 60 },
      { id: '61-90', label: '61 - 90', fromDays: 61, toDays: 90 },
      { id: '91+', label: '91 and over', fromDays: 91, toDays: null },
    ]);
  });

  it('follows a configured period length and count, like QuickBooks aging_period / num_periods', () => {
    expect(
      agingBuckets({ periodDays: 15, periodCount: 3 }).map((b) => b.id),
    ).toEqual(['current', '1-15', '16-30', '31+']);
    expect(agingBuckets({ periodCount: 1 }).map((b) => b.id)).toEqual([
      'current',
      '1+',
    ]);
  });

  it.each([
    { periodDays: 0 },
    { periodDays: 1.5 },
    { periodCount: 0 },
    { periodCount: 121 },
    { periodDays: Number.NaN },
  ])('rejects the schedule %p', (schedule) => {
    expect(() => agingBuckets(schedule)).toThrow(
      expect.objectContaining({ code: 'INVALID_AGING_SCHEDULE' }),
    );
  });
});

describe(bucketIndexForAge.name, () => {
  it.each([
    [-10, 0],
    [0, 0],
    [1, 1],
    [30, 1],
    [31, 2],
    [60, 2],
    [61, 3],
    [90, 3],
    [91, 4],
    [10_000, 4],
  ])('puts an age of %i days in bucket %i', (days, index) => {
    expect(bucketIndexForAge(days)).toBe(index);
  });
});

describe(ageInDays.name, () => {
  const invoice = { issueDate: '2026-09-01', dueDate: '2026-10-01' };

  it('counts days past due by default and days since issue on the issue-date basis', () => {
    expect(ageInDays(invoice, '2026-10-31')).toBe(30);
    expect(ageInDays(invoice, '2026-10-31', 'issue_date')).toBe(60);
    expect(ageInDays(invoice, '2026-09-15')).toBe(-16);
  });
});

describe(ageOpenItems.name, () => {
  const items = [
    item('not-due', '100.00', '2026-10-20', '2026-11-19'),
    item('due-today', '50.00', '2026-10-01', '2026-10-31'),
    item('one-day', '25.00', '2026-09-30', '2026-10-30'),
    item('thirty', '10.00', '2026-09-01', '2026-10-01'),
    item('thirty-one', '5.00', '2026-08-31', '2026-09-30'),
    item('ninety', '2.00', '2026-07-03', '2026-08-02'),
    item('ninety-one', '1.00', '2026-07-02', '2026-08-01'),
    item('ancient', '0.50', '2020-01-01', '2020-01-31'),
    item('credit', '-20.00', '2026-10-15', '2026-10-15'),
  ];

  it('ages by due date into the default buckets, with totals', () => {
    const sut = ageOpenItems(items, { asOf: '2026-10-31', currency: 'USD' });

    expect(
      sut.buckets.map((b) => [
        b.id,
        b.total.toString(),
        b.items.map((i) => i.id),
      ]),
    ).toEqual([
      ['current', '150.00', ['not-due', 'due-today']],
      ['1-30', '15.00', ['one-day', 'thirty', 'credit']],
      ['31-60', '5.00', ['thirty-one']],
      ['61-90', '2.00', ['ninety']],
      ['91+', '1.50', ['ninety-one', 'ancient']],
    ]);
    expect(sut.total.toString()).toBe('173.50');
  });

  it('ages by issue date when asked', () => {
    const sut = ageOpenItems(items, {
      asOf: '2026-10-31',
      currency: 'USD',
      basis: 'issue_date',
    });

    expect(sut.basis).toBe('issue_date');
    expect(sut.buckets.map((b) => b.items.map((i) => i.id))).toEqual([
      [],
      ['not-due', 'due-today', 'credit'],
      ['one-day', 'thirty'],
      ['thirty-one'],
      ['ninety', 'ninety-one', 'ancient'],
    ]);
  });

  it('uses a configured schedule', () => {
    const sut = ageOpenItems(items, {
      asOf: '2026-10-31',
      currency: 'USD',
      schedule: { periodDays: 60, periodCount: 2 },
    });

    expect(sut.buckets.map((b) => [b.id, b.total.toString()])).toEqual([
      ['current', '150.00'],
      ['1-60', '20.00'],
      ['61+', '3.50'],
    ]);
  });

  it('returns zero buckets for no items', () => {
    const sut = ageOpenItems([], { asOf: '2026-10-31', currency: 'JPY' });

    expect(sut.buckets.map((b) => b.total.toString())).toEqual([
      '0',
      '0',
      '0',
      '0',
      '0',
    ]);
    expect(sut.total.toString()).toBe('0');
  });

  it('refuses items of another currency and impossible dates', () => {
    expect(() =>
      ageOpenItems(
        [
          {
            amount: Money.parse('1', 'EUR'),
            issueDate: '2026-10-01',
            dueDate: '2026-10-01',
          },
        ],
        { asOf: '2026-10-31', currency: 'USD' },
      ),
    ).toThrow(CurrencyMismatch);
    expect(() =>
      ageOpenItems([item('x', '1.00', '2026-10-01', '2026-09-31')], {
        asOf: '2026-10-31',
        currency: 'USD',
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });
});

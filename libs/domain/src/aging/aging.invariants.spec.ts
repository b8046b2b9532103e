import fc from 'fast-check';
import { Money } from '../money/money';
import { ageInDays, ageOpenItems, agingBuckets } from './aging';
import { addDays } from './calendar-day';

const AS_OF = '2026-10-31';

const openItems = fc.array(
  fc.record({
    units: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
    issuedDaysAgo: fc.integer({ min: -60, max: 2000 }),
    termsDays: fc.integer({ min: 0, max: 120 }),
  }),
  { maxLength: 200 },
);
const schedules = fc.record({
  periodDays: fc.integer({ min: 1, max: 120 }),
  periodCount: fc.integer({ min: 1, max: 12 }),
});
const bases = fc.constantFrom('due_date' as const, 'issue_date' as const);

const toItems = (
  raw: { units: bigint; issuedDaysAgo: number; termsDays: number }[],
) =>
  raw.map((r, index) => {
    const issueDate = addDays(AS_OF, -r.issuedDaysAgo);
    return {
      index,
      amount: Money.fromMinorUnits(r.units, 'USD'),
      issueDate,
      dueDate: addDays(issueDate, r.termsDays),
    };
  });

describe('aging invariants', () => {
  it('puts every item in exactly one bucket, the one its age falls in', () => {
    fc.assert(
      fc.property(openItems, schedules, bases, (raw, schedule, basis) => {
        const items = toItems(raw);

        const sut = ageOpenItems(items, {
          asOf: AS_OF,
          currency: 'USD',
          basis,
          schedule,
        });

        const seen = sut.buckets
          .flatMap((bucket) => bucket.items.map((item) => item.index))
          .sort((a, b) => a - b);
        expect(seen).toEqual(items.map((item) => item.index));
        for (const bucket of sut.buckets) {
          for (const item of bucket.items) {
            const age = ageInDays(item, AS_OF, basis);
            expect(
              bucket.fromDays === null ? age <= 0 : age >= bucket.fromDays,
            ).toBe(true);
            expect(bucket.toDays === null || age <= bucket.toDays).toBe(true);
          }
        }
      }),
    );
  });

  it('has bucket totals that add up to the grand total and to Σ amounts', () => {
    fc.assert(
      fc.property(openItems, schedules, bases, (raw, schedule, basis) => {
        const items = toItems(raw);

        const sut = ageOpenItems(items, {
          asOf: AS_OF,
          currency: 'USD',
          basis,
          schedule,
        });

        const bucketSum = Money.sum(
          sut.buckets.map((bucket) => bucket.total),
          'USD',
        );
        expect(bucketSum.equals(sut.total)).toBe(true);
        expect(
          sut.total.equals(
            Money.sum(
              items.map((item) => item.amount),
              'USD',
            ),
          ),
        ).toBe(true);
        for (const bucket of sut.buckets) {
          expect(
            bucket.total.equals(
              Money.sum(
                bucket.items.map((item) => item.amount),
                'USD',
              ),
            ),
          ).toBe(true);
        }
      }),
    );
  });

  it('tiles the day line: buckets are contiguous, non-overlapping and open-ended at the top', () => {
    fc.assert(
      fc.property(schedules, (schedule) => {
        const sut = agingBuckets(schedule);

        expect(sut).toHaveLength(schedule.periodCount + 1);
        expect(sut[0].toDays).toBe(0);
        for (let i = 1; i < sut.length; i++)
          expect(sut[i].fromDays).toBe((sut[i - 1].toDays ?? Number.NaN) + 1);
        expect(sut.at(-1)?.toDays).toBeNull();
      }),
    );
  });
});

import fc from 'fast-check';
import { addDays, fromEpochDay, toEpochDay } from './calendar-day';

const MS_PER_DAY = 86_400_000;
const days = fc.integer({
  min: toEpochDay('0001-01-01'),
  max: toEpochDay('9999-12-31'),
});

describe('calendar day invariants', () => {
  it('agrees with the UTC calendar of JS Date (used only as an oracle)', () => {
    fc.assert(
      fc.property(days, (day) => {
        expect(fromEpochDay(day)).toBe(
          new Date(day * MS_PER_DAY).toISOString().slice(0, 10),
        );
      }),
    );
  });

  it('round-trips day → date → day', () => {
    fc.assert(
      fc.property(days, (day) =>
        expect(toEpochDay(fromEpochDay(day))).toBe(day),
      ),
    );
  });

  it('adds days as it adds numbers', () => {
    fc.assert(
      fc.property(
        days,
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }),
        (day, a, b) => {
          fc.pre(
            day + a + b >= toEpochDay('0001-01-01') &&
              day + a + b <= toEpochDay('9999-12-31'),
          );
          fc.pre(
            day + a >= toEpochDay('0001-01-01') &&
              day + a <= toEpochDay('9999-12-31'),
          );
          const date = fromEpochDay(day);

          expect(addDays(addDays(date, a), b)).toBe(addDays(date, a + b));
        },
      ),
    );
  });
});

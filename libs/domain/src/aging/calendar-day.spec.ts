import { addDays, daysBetween, fromEpochDay, toEpochDay } from './calendar-day';

describe(toEpochDay.name, () => {
  it.each([
    ['1970-01-01', 0],
    ['1970-01-02', 1],
    ['1969-12-31', -1],
    ['2000-03-01', 11017],
    ['2026-10-31', 20757],
    ['0001-01-01', -719162],
    ['9999-12-31', 2932896],
  ])('numbers %s as day %i', (date, day) => {
    expect(toEpochDay(date)).toBe(day);
  });

  it.each([
    '2026-02-29',
    '2100-02-29',
    '2026-04-31',
    '2026-13-01',
    '0000-06-01',
    '2026-1-1',
    '2026-10-31T00:00:00Z',
    '',
  ])('rejects %j', (date) => {
    expect(() => toEpochDay(date)).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE' }),
    );
  });
});

describe(fromEpochDay.name, () => {
  it('inverts toEpochDay across leap days and centuries', () => {
    for (const date of [
      '2024-02-29',
      '2000-02-29',
      '1900-03-01',
      '2026-12-31',
      '0001-01-01',
      '9999-12-31',
    ]) {
      expect(fromEpochDay(toEpochDay(date))).toBe(date);
    }
  });
});

describe(daysBetween.name, () => {
  it('counts whole days, whatever the process time zone', () => {
    expect(daysBetween('2026-10-01', '2026-10-31')).toBe(30);
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30); // spans the EU DST switch on 2026-03-29
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-10-31', '2026-10-01')).toBe(-30);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-10-01', 30)).toBe('2026-10-31');
  });
});

import { IsoDate, IsoInstant, isCalendarDate } from './calendar-date';

describe(isCalendarDate.name, () => {
  it.each([
    '2026-10-31',
    '2024-02-29',
    '2000-02-29',
    '0001-01-01',
    '9999-12-31',
  ])('accepts %s', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-10-00',
    '0000-01-01',
    '2026-1-5',
    '20261031',
    '2026-10-31T00:00:00Z',
  ])('rejects %s', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });
});

describe('IsoDate', () => {
  it('names the impossible date in its message', () => {
    const result = IsoDate.safeParse('2026-02-30');

    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      '2026-02-30 is not a real calendar date',
    ]);
  });
});

describe('IsoInstant', () => {
  it.each([
    '2026-10-31T17:04:05.123Z',
    '2026-10-31T17:04:05Z',
    '2026-10-31T19:04:05+02:00',
  ])('accepts %s', (value) => {
    expect(IsoInstant.safeParse(value).success).toBe(true);
  });

  it.each([
    '2026-10-31T17:04:05',
    '2026-10-31',
    '2026-02-30T00:00:00Z',
    'yesterday',
  ])('rejects %s (no zone or not an instant)', (value) => {
    expect(IsoInstant.safeParse(value).success).toBe(false);
  });
});

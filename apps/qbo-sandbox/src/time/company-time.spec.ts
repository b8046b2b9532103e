import { addDays, companyDate, companyMidnight, dateInMonth, daysBetween, formatCompanyDateTime, isIsoDate, offsetMinutes, parseCompanyInstant } from './company-time';

const LA = 'America/Los_Angeles';

describe('company time', () => {
  it('formats with the company offset, following daylight saving', () => {
    expect(formatCompanyDateTime(Date.parse('2015-07-24T17:33:39Z'), LA)).toBe('2015-07-24T10:33:39-07:00');
    expect(formatCompanyDateTime(Date.parse('2015-12-23T20:55:50.763Z'), LA, true)).toBe('2015-12-23T12:55:50.763-08:00');
    expect(offsetMinutes(Date.parse('2026-01-15T00:00:00Z'), LA)).toBe(-480);
    expect(offsetMinutes(Date.parse('2026-07-15T00:00:00Z'), 'Europe/London')).toBe(60);
  });

  it('knows the local date and local midnight', () => {
    expect(companyDate(Date.parse('2026-03-01T05:00:00Z'), LA)).toBe('2026-02-28');
    expect(new Date(companyMidnight('2026-03-08', LA)).toISOString()).toBe('2026-03-08T08:00:00.000Z'); // DST starts that day
    expect(new Date(companyMidnight('2026-07-01', LA)).toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });

  it('does date arithmetic on calendar dates', () => {
    expect(addDays('2015-07-24', 30)).toBe('2015-08-23');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(daysBetween('2015-08-31', '2015-12-31')).toBe(122);
    expect(dateInMonth(2026, 2, 31)).toBe('2026-02-28');
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('parses instants with zone, "-0700" offsets, and bare dates as local midnight', () => {
    expect(parseCompanyInstant('2015-12-23T10:00:00-07:00', LA)).toBe(Date.parse('2015-12-23T17:00:00Z'));
    expect(parseCompanyInstant('2015-10-05T14:42:19-0700', LA)).toBe(Date.parse('2015-10-05T21:42:19Z'));
    expect(parseCompanyInstant('2026-01-01', LA)).toBe(Date.parse('2026-01-01T08:00:00Z'));
    expect(parseCompanyInstant('yesterday', LA)).toBeUndefined();
  });
});

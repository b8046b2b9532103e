import { scheduledAsOf } from './recon-scheduler';

describe(scheduledAsOf.name, () => {
  it('closes the day before the firing for a daily schedule', () => {
    expect(scheduledAsOf(new Date('2026-11-01T02:00:00Z'), 'previous_day')).toBe('2026-10-31');
    expect(scheduledAsOf(new Date('2027-03-01T00:00:00Z'), 'previous_day')).toBe('2027-02-28');
  });

  it('closes the previous month for a month-end schedule, whatever day it fires', () => {
    expect(scheduledAsOf(new Date('2026-11-03T02:00:00Z'), 'previous_month_end')).toBe('2026-10-31');
    expect(scheduledAsOf(new Date('2028-03-01T02:00:00Z'), 'previous_month_end')).toBe('2028-02-29');
    expect(scheduledAsOf(new Date('2027-01-01T00:00:00Z'), 'previous_month_end')).toBe('2026-12-31');
  });
});

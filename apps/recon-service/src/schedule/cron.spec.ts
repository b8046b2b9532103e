import { parseCron } from './cron';

const at = (iso: string) => new Date(iso);

describe(parseCron.name, () => {
  it('fires daily at 02:00 UTC by default expression', () => {
    const sut = parseCron('0 2 * * *');
    expect(sut.matches(at('2026-11-01T02:00:00Z'))).toBe(true);
    expect(sut.matches(at('2026-11-01T02:00:59Z'))).toBe(true);
    expect(sut.matches(at('2026-11-01T02:01:00Z'))).toBe(false);
    expect(sut.next(at('2026-11-01T02:00:00Z')).toISOString()).toBe('2026-11-02T02:00:00.000Z');
  });

  it('understands steps, ranges, lists and names', () => {
    const sut = parseCron('*/15 9-17/4 * jan,jul mon-fri');
    expect(sut.matches(at('2027-01-04T13:45:00Z'))).toBe(true); // Monday
    expect(sut.matches(at('2027-01-04T11:45:00Z'))).toBe(false); // 11 is not 9, 13 or 17
    expect(sut.matches(at('2027-01-09T13:45:00Z'))).toBe(false); // Saturday
    expect(sut.matches(at('2027-02-01T13:45:00Z'))).toBe(false); // February
  });

  it('treats 7 as Sunday', () => {
    expect(parseCron('0 0 * * 7').matches(at('2026-11-01T00:00:00Z'))).toBe(true);
  });

  it('reads `start/step` as from start to the end of the field', () => {
    const sut = parseCron('5/20 * * * *');
    expect([5, 25, 45].every((m) => sut.matches(at(`2026-11-01T00:${String(m).padStart(2, '0')}:00Z`)))).toBe(true);
    expect(sut.matches(at('2026-11-01T00:06:00Z'))).toBe(false);
  });

  it('matches either day field when both are restricted (Vixie cron)', () => {
    const sut = parseCron('0 0 1 * mon');
    expect(sut.matches(at('2026-12-01T00:00:00Z'))).toBe(true); // the 1st, a Tuesday
    expect(sut.matches(at('2026-12-07T00:00:00Z'))).toBe(true); // a Monday
    expect(sut.matches(at('2026-12-08T00:00:00Z'))).toBe(false);
  });

  it('finds month-end runs: the last day is not expressible, so the 1st at 02:00 is', () => {
    expect(parseCron('0 2 1 * *').next(at('2026-10-31T10:00:00Z')).toISOString()).toBe('2026-11-01T02:00:00.000Z');
  });

  it('finds a leap day', () => {
    expect(parseCron('0 0 29 2 *').next(at('2026-03-01T00:00:00Z')).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it.each([
    ['0 2 * *', /5-field/],
    ['61 * * * *', /minute: 61 is outside 0-59/],
    ['* 24 * * *', /hour: 24/],
    ['* * 0 * *', /day of month: 0/],
    ['* * * 13 *', /month: 13/],
    ['* * * * 8', /day of week: 8/],
    ['*/0 * * * *', /step must be at least 1/],
    ['5-1 * * * *', /backwards/],
    ['a * * * *', /minute: "a" is not a value/],
  ])('refuses %j', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('says so when an expression can never fire', () => {
    expect(() => parseCron('0 0 31 2 *').next(at('2026-01-01T00:00:00Z'))).toThrow(/never fires/);
  });
});

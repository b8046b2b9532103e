import { DomainError } from '../errors';

/**
 * Calendar dates (`YYYY-MM-DD`) as whole day numbers, with integer arithmetic only. No JS `Date`: a `Date`
 * is an instant, and turning "2026-10-31" into one and back shifts the day with the process's time zone.
 * Day 0 is 1970-01-01; the proleptic Gregorian calendar, years 0001–9999 (H. Hinnant's days_from_civil).
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? isLeapYear(year)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` date.
 * @throws DomainError INVALID_DATE (wrong shape or not a real date)
 */
export function toEpochDay(date: string): number {
  const match = DATE.exec(date);
  const [year, month, day] = match
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : [0, 0, 0];
  if (
    !match ||
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    throw new DomainError(
      'INVALID_DATE',
      `${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`,
    );
  }
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear =
    Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 +
    Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The `YYYY-MM-DD` date of a day number (inverse of `toEpochDay`). */
export function fromEpochDay(epochDay: number): string {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra -
    (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). @throws DomainError INVALID_DATE */
export const daysBetween = (from: string, to: string): number =>
  toEpochDay(to) - toEpochDay(from);

/** `date` plus `days` (may be negative). @throws DomainError INVALID_DATE */
export const addDays = (date: string, days: number): string =>
  fromEpochDay(toEpochDay(date) + days);

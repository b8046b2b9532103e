import { z } from 'zod';

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** True for a `YYYY-MM-DD` string naming a real day of the proleptic Gregorian calendar (year 0001–9999). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_SHAPE.exec(value);
  if (!match) return false;
  const [year, month, day] = [
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
  ];
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** A calendar date, `YYYY-MM-DD`, no time and no zone: the day the document says, wherever it is read. */
export const IsoDate = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'date is required'
        : 'date must be a string YYYY-MM-DD',
  })
  .regex(DATE_SHAPE, { error: 'date must be YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, {
    error: (issue) => `${String(issue.input)} is not a real calendar date`,
  });

/** An instant: ISO-8601 date and time with seconds and a zone (`Z` or `±hh:mm`), e.g. `2026-10-31T17:04:05.123Z`. */
export const IsoInstant = z.iso.datetime({
  offset: true,
  error: (issue) =>
    issue.input === undefined
      ? 'instant is required'
      : 'must be an ISO-8601 instant with a zone, e.g. 2026-10-31T17:04:05.123Z',
});

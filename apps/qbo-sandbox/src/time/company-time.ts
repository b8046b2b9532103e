/**
 * Company-local time. QuickBooks renders MetaData and `time` with the company's UTC offset
 * (e.g. "2015-07-24T10:33:39-07:00") and keeps transaction dates as plain local dates. Dates are
 * "YYYY-MM-DD" strings throughout; date arithmetic is done on UTC midnights, which has no DST.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year'],
    month: parts['month'],
    day: parts['day'],
    hour: parts['hour'] % 24,
    minute: parts['minute'],
    second: parts['second'],
  };
}

/** Offset of the zone from UTC at that instant, in minutes (Pacific daylight time: -420). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "2015-07-24T10:33:39-07:00" (MetaData precision) or with ".110" milliseconds (`time`). */
export function formatCompanyDateTime(epochMs: number, timeZone: string, withMillis = false): string {
  const p = localParts(epochMs, timeZone);
  const ms = withMillis ? `.${pad(((epochMs % 1000) + 1000) % 1000, 3)}` : '';
  return (
    `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${ms}` +
    offsetText(offsetMinutes(epochMs, timeZone))
  );
}

/** The company-local calendar date of an instant. */
export function companyDate(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The instant of local midnight starting `date` in the zone. */
export function companyMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const utcMidnight = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even when midnight sits next to a DST switch.
  let guess = utcMidnight - offsetMinutes(utcMidnight, timeZone) * 60_000;
  guess = utcMidnight - offsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in "YYYY-MM-DD" form. */
export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number);
  const [y2, m2, d2] = to.split('-').map(Number);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** A date in a given month, clamped to the month's length (day 31 of February is the 28th/29th). */
export function dateInMonth(year: number, month1: number, day: number): string {
  const last = new Date(Date.UTC(year, month1, 0)).getUTCDate();
  return `${year}-${pad(month1)}-${pad(Math.min(day, last))}`;
}

/**
 * Parses a client-supplied instant: a full ISO date-time with zone, or a bare date meaning local
 * midnight in the company's zone. Returns epoch ms, or undefined when unparseable.
 */
export function parseCompanyInstant(text: string, timeZone: string): number | undefined {
  const trimmed = text.trim();
  if (isIsoDate(trimmed)) return companyMidnight(trimmed, timeZone);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed)) return undefined;
  // "-0700" (no colon) appears in Intuit samples; normalise it for Date.parse.
  const normalised = trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(normalised);
  if (!hasZone) {
    const [datePart, timePart] = normalised.split('T');
    const midnight = companyMidnight(datePart, timeZone);
    const [hh, mm, ss = '0'] = timePart.split(':');
    const local = midnight + (Number(hh) * 3600 + Number(mm) * 60 + Number.parseFloat(ss)) * 1000;
    return Number.isFinite(local) ? local : undefined;
  }
  const t = Date.parse(normalised);
  return Number.isNaN(t) ? undefined : t;
}

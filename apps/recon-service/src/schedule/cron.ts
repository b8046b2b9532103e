/**
 * A 5-field cron expression (minute hour day-of-month month day-of-week), matched in UTC. No cron package is in
 * the workspace, and this is all the schedule needs: `*`, numbers, ranges `a-b`, steps `* /n` and `a-b/n`, lists,
 * month and weekday names (`jan`, `mon`), and 7 as Sunday. As in Vixie cron, when both day fields are restricted
 * a day matches if either matches.
 */
export interface CronSchedule {
  readonly expression: string;
  /** True when `instant`'s UTC minute is a firing minute (seconds are ignored). */
  matches(instant: Date): boolean;
  /** The first firing minute strictly after `after`, searched up to ~4 years ahead. */
  next(after: Date): Date;
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MINUTE_MS = 60_000;
/** Four years of minutes covers every Feb 29 and every weekday/day-of-month combination. */
const SEARCH_LIMIT_MINUTES = 4 * 366 * 24 * 60;

/**
 * Parses a cron expression.
 * @throws Error naming the bad field, e.g. `minute: 61 is outside 0-59`.
 */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`must be a 5-field cron expression (minute hour day-of-month month day-of-week), got ${JSON.stringify(expression)}`);
  const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = parts.map((part, i) => parseField(part, FIELDS[i]));
  const daysOfWeek = new Set([...rawDaysOfWeek].map((d) => (d === 7 ? 0 : d)));
  const domRestricted = parts[2] !== '*';
  const dowRestricted = parts[4] !== '*';

  const dayMatches = (instant: Date): boolean => {
    const dom = daysOfMonth.has(instant.getUTCDate());
    const dow = daysOfWeek.has(instant.getUTCDay());
    if (domRestricted && dowRestricted) return dom || dow;
    return dom && dow;
  };
  const matches = (instant: Date): boolean =>
    minutes.has(instant.getUTCMinutes()) && hours.has(instant.getUTCHours()) && months.has(instant.getUTCMonth() + 1) && dayMatches(instant);

  return {
    expression,
    matches,
    next(after: Date): Date {
      const start = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      const limit = start + SEARCH_LIMIT_MINUTES * MINUTE_MS;
      for (let t = start; t < limit; ) {
        const instant = new Date(t);
        // Skip whole days and hours that cannot match, so a search over years stays fast.
        if (!months.has(instant.getUTCMonth() + 1) || !dayMatches(instant)) {
          t = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate() + 1);
        } else if (!hours.has(instant.getUTCHours())) {
          t = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate(), instant.getUTCHours() + 1);
        } else if (!minutes.has(instant.getUTCMinutes())) {
          t += MINUTE_MS;
        } else {
          return instant;
        }
      }
      throw new Error(`cron ${JSON.stringify(expression)} never fires`);
    },
  };
}

function parseField(text: string, field: Field): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined || range === '') throw new Error(`${field.name}: ${JSON.stringify(item)} is not a value, range or step`);
    const step = stepText === undefined ? 1 : toInteger(stepText, field, 'step');
    if (step < 1) throw new Error(`${field.name}: step must be at least 1`);
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [field.min, field.max];
    } else if (range.includes('-')) {
      const [a, b, rest] = range.split('-');
      if (rest !== undefined) throw new Error(`${field.name}: ${JSON.stringify(range)} is not a range`);
      [from, to] = [valueOf(a, field), valueOf(b, field)];
      if (from > to) throw new Error(`${field.name}: range ${range} runs backwards`);
    } else {
      from = valueOf(range, field);
      // `5/15` means from 5 to the end in steps of 15, as in Vixie cron.
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function valueOf(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  // Month names are 1-based (jan = 1); weekday names 0-based (sun = 0).
  if (named >= 0) return field.name === 'month' ? named + 1 : named;
  const value = toInteger(text, field, 'value');
  if (value < field.min || value > field.max) throw new Error(`${field.name}: ${value} is outside ${field.min}-${field.max}`);
  return value;
}

function toInteger(text: string, field: Field, what: string): number {
  if (!/^\d{1,4}$/.test(text)) throw new Error(`${field.name}: ${JSON.stringify(text)} is not a ${what}`);
  return Number(text);
}

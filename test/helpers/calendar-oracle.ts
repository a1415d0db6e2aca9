/**
 * An independent oracle of Swedish working days for tests, built on the `date-holidays` package.
 * It deliberately does not import domain/working-days (the code under test): expected dates in
 * tests come from here, so a bug in the product's calendar cannot also write its own expectation.
 *
 * The rule (README "Time rules"): a working day is Monday–Friday that is neither a public holiday
 * of lag (1989:253) nor midsommarafton, julafton or nyårsafton; "N working days after" a date
 * never counts the date itself. Every date is a Europe/Stockholm calendar date, `YYYY-MM-DD`.
 *
 * The scenario finders (nextMondayWorkingWeek, nextHoliday) take the run date (or the test
 * server's current time) as `from`, so tests never pin a date that will one day be in the past.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { Locale } from '../../domain/locale';

export const STOCKHOLM_ZONE = 'Europe/Stockholm';

/** A calendar date as `YYYY-MM-DD`. */
export type OracleDate = string;

/** A moment or a Stockholm calendar date: what the finders accept as their starting point. */
export type From = Date | number | DateTime | OracleDate;

/**
 * date-holidays' Swedish names (lower case) of the days that are not working days under our rule,
 * and of the ones it types 'public' or 'bank' that are working days for us. A name in neither list
 * (a new version renaming or adding a day) makes the oracle throw rather than guess.
 */
const NON_WORKING = new Set([
  'nyårsdagen',
  'trettondedag jul',
  'långfredagen',
  'påskdagen',
  'annandag påsk',
  'första maj',
  'kristi himmelsfärdsdag',
  'pingstdagen',
  'nationaldagen',
  'midsommarafton',
  'midsommardagen',
  'alla helgons dag',
  'julafton',
  'juldagen',
  'annandag jul',
  'nyårsafton',
]);
const WORKING_EVES = new Set([
  'trettondagsafton',
  'skärtorsdagen',
  'påskafton',
  'valborgsmässoafton',
  'pingstafton',
  'annandag pingst',
  'allhelgonaafton',
]);

const source = new Holidays('SE', { types: ['public', 'bank'] });
const byYear = new Map<number, Map<OracleDate, string[]>>();

/** The non-working holidays of `year` by date (weekend ones included), names as date-holidays has them. */
export function holidaysOracle(year: number): Map<OracleDate, string[]> {
  let table = byYear.get(year);
  if (table) return table;
  table = new Map();
  for (const holiday of source.getHolidays(year, 'sv')) {
    if (holiday.type !== 'public' && holiday.type !== 'bank') continue;
    const name = holiday.name.toLowerCase();
    if (WORKING_EVES.has(name)) continue;
    if (!NON_WORKING.has(name))
      throw new Error(`calendar oracle: unknown Swedish holiday "${holiday.name}" in ${year}`);
    const date = holiday.date.slice(0, 10);
    table.set(date, [...(table.get(date) ?? []), holiday.name]);
  }
  // Every year has all sixteen; fewer means date-holidays does not know the year.
  const names = new Set([...table.values()].flat().map((n) => n.toLowerCase()));
  if (names.size !== NON_WORKING.size) throw new Error(`calendar oracle: date-holidays lacks holidays of ${year}`);
  byYear.set(year, table);
  return table;
}

function day(date: OracleDate): DateTime {
  const parsed = DateTime.fromISO(date, { zone: STOCKHOLM_ZONE });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parsed.isValid) throw new Error(`calendar oracle: not a date: ${date}`);
  return parsed;
}

const iso = (date: DateTime): OracleDate => date.toFormat('yyyy-MM-dd');

/** The Stockholm calendar date of an instant (a Date, epoch milliseconds or a luxon DateTime). */
export function stockholmDateOf(instant: Date | number | DateTime): OracleDate {
  const at = DateTime.isDateTime(instant)
    ? instant
    : DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime());
  return iso(at.setZone(STOCKHOLM_ZONE));
}

function dateOf(from: From): OracleDate {
  return typeof from === 'string' ? iso(day(from)) : stockholmDateOf(from);
}

/** The date `days` calendar days after `from` (negative: before). */
export function calendarDaysAfter(from: From, days: number): OracleDate {
  return iso(day(dateOf(from)).plus({ days }));
}

/** The ISO weekday of a date: 1 Monday … 7 Sunday. */
export function weekdayOf(date: OracleDate): number {
  return day(date).weekday;
}

/** The names of the holidays on a date ([] on an ordinary day). */
export function holidayNamesOn(date: OracleDate): string[] {
  return holidaysOracle(day(date).year).get(date) ?? [];
}

export function isWorkingDayOracle(date: OracleDate): boolean {
  return weekdayOf(date) <= 5 && holidayNamesOn(date).length === 0;
}

/** The `n`th working day strictly after `date` (n ≥ 1; the date itself never counts). */
export function nthWorkingDayAfterOracle(date: OracleDate, n: number): OracleDate {
  if (!Number.isInteger(n) || n < 1) throw new Error(`calendar oracle: n must be a positive integer, not ${n}`);
  let current = day(date);
  for (let found = 0; found < n;) {
    current = current.plus({ days: 1 });
    if (isWorkingDayOracle(iso(current))) found++;
  }
  return iso(current);
}

/** The last working day strictly before `date`. */
export function workingDayBeforeOracle(date: OracleDate): OracleDate {
  let current = day(date).minus({ days: 1 });
  while (!isWorkingDayOracle(iso(current))) current = current.minus({ days: 1 });
  return iso(current);
}

/**
 * How many working days d there are with `from` < d ≤ `to`; 0 when `to` is not after `from`.
 * (The semantics of WorkingDayCalendar.workingDaysBetween: the "working days left" until a
 * deadline date, counting the deadline day but not today.)
 */
export function workingDaysBetweenOracle(from: OracleDate, to: OracleDate): number {
  let count = 0;
  for (let current = day(from).plus({ days: 1 }); iso(current) <= to; current = current.plus({ days: 1 })) {
    if (isWorkingDayOracle(iso(current))) count++;
  }
  return count;
}

/**
 * The assignment deadline date of a YES given at `answeredAt`: the 5th working day after the
 * answer's Stockholm date, or the desired date if earlier, but never before the answer's date.
 */
export function assignmentDeadlineDateOracle(answeredAt: From, desired?: OracleDate | null): OracleDate {
  const answerDate = dateOf(answeredAt);
  let deadline = nthWorkingDayAfterOracle(answerDate, 5);
  if (desired && desired < deadline) deadline = desired;
  return deadline < answerDate ? answerDate : deadline;
}

/** The last millisecond of a Stockholm date, as the API writes it: `2027-03-08T23:59:59.999+01:00`. */
export function endOfDayOracle(date: OracleDate): string {
  return day(date).set({ hour: 23, minute: 59, second: 59, millisecond: 999 }).toISO()!;
}

/** A Stockholm wall-clock time on a date, e.g. `atStockholm('2031-03-03', '08:00')`. */
export function atStockholm(date: OracleDate, time: string): Date {
  const [hour, minute] = time.split(':').map(Number);
  const at = day(date).set({ hour, minute, second: 0, millisecond: 0 });
  if (at.hour !== hour || at.minute !== minute) throw new Error(`calendar oracle: no ${time} on ${date} in Stockholm`);
  return at.toJSDate();
}

/** An instant as Stockholm wall-clock text, `yyyy-MM-dd HH:mm`. */
export function stockholmWallClock(instant: Date | number | DateTime): string {
  const at = DateTime.isDateTime(instant)
    ? instant
    : DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime());
  return at.setZone(STOCKHOLM_ZONE).toFormat('yyyy-MM-dd HH:mm');
}

export interface AheadOptions {
  /** The result is at least this many calendar days after `from`'s date (default 0: `from` itself counts). */
  atLeastDaysAhead?: number;
}

/**
 * The first Monday at least `atLeastDaysAhead` days after `from` that is a working day and is
 * followed by `workingDays` (default 10) weekdays that are all working days: within that stretch
 * "N working days after the Monday" is plain weekday arithmetic, with no holiday in the way.
 */
export function nextMondayWorkingWeek(from: From, options: AheadOptions & { workingDays?: number } = {}): OracleDate {
  const { atLeastDaysAhead = 0, workingDays = 10 } = options;
  let monday = day(calendarDaysAfter(from, atLeastDaysAhead));
  monday = monday.plus({ days: (8 - monday.weekday) % 7 });
  for (let tries = 0; tries < 60; tries++, monday = monday.plus({ weeks: 1 })) {
    let clear = isWorkingDayOracle(iso(monday));
    for (let current = monday, seen = 0; clear && seen < workingDays;) {
      current = current.plus({ days: 1 });
      if (current.weekday > 5) continue;
      clear = isWorkingDayOracle(iso(current));
      seen++;
    }
    if (clear) return iso(monday);
  }
  throw new Error(`calendar oracle: no Monday with ${workingDays} clear working days after it near ${dateOf(from)}`);
}

/**
 * The next date of the holiday `name` (case-insensitive, date-holidays' Swedish name, e.g.
 * 'Kristi himmelsfärdsdag', 'midsommarafton', 'julafton', 'långfredagen') at least
 * `atLeastDaysAhead` days after `from`; with `weekday`, the next one that falls on that ISO weekday
 * (e.g. julafton on a Friday, so a scenario always meets the same arrangement of days).
 */
export function nextHoliday(from: From, name: string, options: AheadOptions & { weekday?: number } = {}): OracleDate {
  const { atLeastDaysAhead = 0, weekday } = options;
  const earliest = calendarDaysAfter(from, atLeastDaysAhead);
  const wanted = name.toLowerCase();
  if (!NON_WORKING.has(wanted)) throw new Error(`calendar oracle: "${name}" is not a holiday it knows`);
  for (let year = day(earliest).year; year < day(earliest).year + 40; year++) {
    for (const [date, names] of [...holidaysOracle(year)].sort(([a], [b]) => a.localeCompare(b))) {
      if (date < earliest || !names.some((n) => n.toLowerCase() === wanted)) continue;
      if (weekday === undefined || weekdayOf(date) === weekday) return date;
    }
  }
  throw new Error(`calendar oracle: no ${name} within 40 years of ${earliest}`);
}

const LONG_DATE_NAMES = {
  sv: {
    weekdays: 'måndag tisdag onsdag torsdag fredag lördag söndag'.split(' '),
    months: 'januari februari mars april maj juni juli augusti september oktober november december'.split(' '),
  },
  en: {
    weekdays: 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' '),
    months: 'January February March April May June July August September October November December'.split(' '),
  },
};

/**
 * A date written out as mail and the portal write it ('måndag 14 december 2026', 'Monday 14
 * December 2026'), spelled out here so that an expectation does not come from the templates.
 */
export function longDateOracle(date: OracleDate, locale: Locale): string {
  const { year, month, day: dayOfMonth, weekday } = day(date);
  const names = LONG_DATE_NAMES[locale];
  return `${names.weekdays[weekday - 1]} ${dayOfMonth} ${names.months[month - 1]} ${year}`;
}

/** A date that does not exist (the 31st of a 30-day month), some 10 days to 6 months after `from`. */
export function nonexistentDateAfter(from: From): string {
  const start = calendarDaysAfter(from, 10);
  const year = Number(start.slice(0, 4));
  return [4, 6, 9, 11, 16]
    .map((m) => (m > 12 ? `${year + 1}-04-31` : `${year}-${String(m).padStart(2, '0')}-31`))
    .find((d) => d > start)!;
}

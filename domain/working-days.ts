/**
 * Swedish working days: which days count, and counting them in Europe/Stockholm. Pure functions;
 * the deadline rule built on them is in domain/license-request.ts. The workflow never calls these:
 * it asks the calendar activity, so that a later change to the holiday rules cannot change a
 * running workflow's replay.
 */
import { DateTime } from 'luxon';

export const STOCKHOLM = 'Europe/Stockholm';

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a real `YYYY-MM-DD` calendar date (rejects 2026-02-30 and the like). */
export function parseIsoDate(value: string): DateTime | undefined {
  if (!ISO_DATE.test(value)) return undefined;
  const date = DateTime.fromISO(value, { zone: STOCKHOLM });
  return date.isValid ? date : undefined;
}

function isoDate(date: DateTime): IsoDate {
  return date.toFormat('yyyy-MM-dd');
}

/** Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(DateTime.fromObject({ year, month, day }, { zone: STOCKHOLM }));
}

/** The first date in [from, to] (inclusive, same month) that falls on the given ISO weekday. */
function weekdayBetween(year: number, month: number, from: number, to: number, weekday: number): IsoDate {
  for (let day = from; day <= to; day++) {
    const date = DateTime.fromObject({ year, month, day }, { zone: STOCKHOLM });
    if (date.weekday === weekday) return isoDate(date);
  }
  throw new Error(`no weekday ${weekday} between ${year}-${month}-${from} and ${to}`);
}

/** Alla helgons dag: the Saturday between 31 October and 6 November. */
function allHelgonsDag(year: number): IsoDate {
  const october31 = DateTime.fromObject({ year, month: 10, day: 31 }, { zone: STOCKHOLM });
  const daysToSaturday = (6 - october31.weekday + 7) % 7;
  return isoDate(october31.plus({ days: daysToSaturday }));
}

/**
 * Days of `year` that are not working days besides weekends: the public holidays of lag (1989:253)
 * and the eves that Semesterlagen 3 a § treats as holidays. Sunday/Saturday holidays (påskdagen,
 * pingstdagen, midsommardagen, alla helgons dag) are listed too, for completeness.
 */
export function swedishHolidays(year: number): Map<IsoDate, string> {
  const easter = DateTime.fromISO(easterSunday(year), { zone: STOCKHOLM });
  const fixed = (month: number, day: number) => isoDate(DateTime.fromObject({ year, month, day }, { zone: STOCKHOLM }));
  const FRIDAY = 5;
  const SATURDAY = 6;
  return new Map<IsoDate, string>([
    [fixed(1, 1), 'Nyårsdagen'],
    [fixed(1, 6), 'Trettondedag jul'],
    [isoDate(easter.minus({ days: 2 })), 'Långfredagen'],
    [isoDate(easter), 'Påskdagen'],
    [isoDate(easter.plus({ days: 1 })), 'Annandag påsk'],
    [fixed(5, 1), 'Första maj'],
    [isoDate(easter.plus({ days: 39 })), 'Kristi himmelsfärdsdag'],
    [isoDate(easter.plus({ days: 49 })), 'Pingstdagen'],
    [fixed(6, 6), 'Sveriges nationaldag'],
    [weekdayBetween(year, 6, 19, 25, FRIDAY), 'Midsommarafton'],
    [weekdayBetween(year, 6, 20, 26, SATURDAY), 'Midsommardagen'],
    [allHelgonsDag(year), 'Alla helgons dag'],
    [fixed(12, 24), 'Julafton'],
    [fixed(12, 25), 'Juldagen'],
    [fixed(12, 26), 'Annandag jul'],
    [fixed(12, 31), 'Nyårsafton'],
  ]);
}

/** The local (Europe/Stockholm) date of an instant. */
export function stockholmDate(instant: Date): IsoDate {
  return isoDate(DateTime.fromJSDate(instant, { zone: STOCKHOLM }));
}

/** Today's date in Europe/Stockholm. */
export function stockholmToday(now: Date = new Date()): IsoDate {
  return stockholmDate(now);
}

function parseOrThrow(date: IsoDate): DateTime {
  const day = parseIsoDate(date);
  if (!day) throw new Error(`not a date: ${date}`);
  return day;
}

/** The last millisecond of a date in Europe/Stockholm, as ISO-8601 with the offset of that moment. */
export function endOfStockholmDay(date: IsoDate): string {
  const end = parseOrThrow(date).endOf('day').toISO({ suppressMilliseconds: false });
  if (!end) throw new Error(`cannot express end of ${date}`);
  return end;
}

/** A wall-clock time on a date in Europe/Stockholm, as ISO-8601 with the offset of that moment. */
export function stockholmTimeOn(date: IsoDate, hour: number, minute = 0): string {
  const at = parseOrThrow(date).set({ hour, minute, second: 0, millisecond: 0 }).toISO();
  if (!at) throw new Error(`cannot express ${hour}:${minute} on ${date}`);
  return at;
}

/** Which days are working days, and what follows from that. */
export interface WorkingDayCalendar {
  /** The calendar's local date of an instant. */
  dateOf(instant: Date): IsoDate;
  /** The last millisecond of a date, as ISO-8601 with the offset of that moment. */
  endOfDay(date: IsoDate): string;
  isWorkingDay(date: IsoDate): boolean;
  /** The `n`th working day strictly after `date` (the day itself never counts). */
  nthWorkingDayAfter(date: IsoDate, n: number): IsoDate;
  /** The last working day strictly before `date`. */
  workingDayBefore(date: IsoDate): IsoDate;
  /** How many working days d there are with `from` < d ≤ `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
}

/**
 * Counting days needs no time zone: a calendar date as a day number (days since 1970-01-01) and
 * back, in UTC arithmetic. A zoned luxon DateTime per step was a tenth of the worker's CPU.
 */
const MS_PER_DAY = 86_400_000;

function dayNumber(date: IsoDate): number {
  const match = ISO_DATE.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // Date.UTC rolls 2026-02-30 over into March: the round trip rejects it (and years before 100).
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new Error(`not a date: ${date}`);
  return ms / MS_PER_DAY;
}

function dateOfDayNumber(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** ISO weekday (1 Monday … 7 Sunday) of a day number: 1970-01-01 was a Thursday. */
function weekdayOfDayNumber(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** A calendar over a table of holidays (weekends are never working days). */
export function createWorkingDayCalendar(holidaysIn: (year: number) => Map<IsoDate, string>): WorkingDayCalendar {
  const cache = new Map<number, Map<IsoDate, string>>();
  const holidaysOf = (year: number) => {
    let holidays = cache.get(year);
    if (!holidays) {
      holidays = holidaysIn(year);
      cache.set(year, holidays);
    }
    return holidays;
  };
  const isWorkingDayNumber = (day: number) => {
    if (weekdayOfDayNumber(day) > 5) return false;
    const date = dateOfDayNumber(day);
    return !holidaysOf(Number(date.slice(0, 4))).has(date);
  };
  const step = (date: IsoDate, n: number, direction: 1 | -1) => {
    let day = dayNumber(date);
    let found = 0;
    while (found < n) {
      day += direction;
      if (isWorkingDayNumber(day)) found++;
    }
    return dateOfDayNumber(day);
  };
  return {
    dateOf: stockholmDate,
    endOfDay: endOfStockholmDay,
    isWorkingDay: (date) => isWorkingDayNumber(dayNumber(date)),
    nthWorkingDayAfter: (date, n) => step(date, n, 1),
    workingDayBefore: (date) => step(date, 1, -1),
    workingDaysBetween(from, to) {
      let count = 0;
      const last = dayNumber(to);
      for (let day = dayNumber(from) + 1; day <= last; day++) if (isWorkingDayNumber(day)) count++;
      return count;
    },
  };
}

/** Sweden's working days: the calendar every decision of this service uses. */
export const swedishCalendar = createWorkingDayCalendar(swedishHolidays);

export const isWorkingDay = (date: IsoDate) => swedishCalendar.isWorkingDay(date);
export const nthWorkingDayAfter = (date: IsoDate, n: number) => swedishCalendar.nthWorkingDayAfter(date, n);

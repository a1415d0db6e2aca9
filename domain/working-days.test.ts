/**
 * Working days and the assignment deadline (docs/process.md, "Working days and the assignment deadline").
 *
 * The holiday calendar is checked against an independent source (the `date-holidays` package) for
 * 2025–2060 (the service's tests run on any date to at least 2045, and requests live for years);
 * the deadline cases below were worked out by hand against a printed calendar.
 */
import { DateTime } from 'luxon';
import {
  easterSunday,
  endOfStockholmDay,
  isWorkingDay,
  nthWorkingDayAfter,
  swedishCalendar,
  swedishHolidays,
} from './working-days';
import { assignmentDeadline as deadlineRule } from './license-request';
import {
  calendarDaysAfter,
  holidaysOracle,
  isWorkingDayOracle,
  workingDayBeforeOracle,
  workingDaysBetweenOracle,
} from '../test/helpers/calendar-oracle';

/** The deadline rule (domain/license-request.ts) on Sweden's working days. */
const assignmentDeadline = (answeredAt: Date, desired?: string | null) =>
  deadlineRule(swedishCalendar, answeredAt, desired);

const MONDAY_TO_FRIDAY = new Set([1, 2, 3, 4, 5]);

function isWeekday(date: string): boolean {
  return MONDAY_TO_FRIDAY.has(DateTime.fromISO(date, { zone: 'Europe/Stockholm' }).weekday);
}

function everyDateOf(year: number): string[] {
  const dates: string[] = [];
  for (let day = DateTime.fromObject({ year, month: 1, day: 1 }); day.year === year; day = day.plus({ days: 1 })) {
    dates.push(day.toFormat('yyyy-MM-dd'));
  }
  return dates;
}

/**
 * The reference: the tests' calendar oracle (test/helpers/calendar-oracle.ts), built on the
 * `date-holidays` package and not on the code under test. It keeps the holidays of lag (1989:253)
 * and midsommarafton, julafton and nyårsafton, leaves the other eves out by name, and throws on a
 * holiday name or a year it does not know.
 */
function referenceNonWorkingWeekdays(year: number): string[] {
  return [...holidaysOracle(year).keys()].filter(isWeekday).sort();
}

const YEARS = Array.from({ length: 36 }, (_, index) => 2025 + index); // 2025–2060

describe('the Swedish holiday calendar', () => {
  it.each(YEARS)('has the same non-working weekdays in %i as the date-holidays reference', (year) => {
    const ours = everyDateOf(year).filter((date) => isWeekday(date) && !isWorkingDay(date));
    expect(ours).toEqual(referenceNonWorkingWeekdays(year));
  });

  it.each(YEARS)('lists in swedishHolidays(%i) every weekday holiday of the date-holidays reference', (year) => {
    const ours = [...swedishHolidays(year).keys()].filter(isWeekday).sort();
    expect(ours).toEqual(referenceNonWorkingWeekdays(year));
  });

  it('uses a reference that knows every year, with the three eves that count as holidays', () => {
    for (const year of YEARS) {
      const names = [...holidaysOracle(year).values()].flat().map((name) => name.toLowerCase());
      expect(names).toEqual(expect.arrayContaining(['midsommarafton', 'julafton', 'nyårsafton']));
    }
  });

  it.each([
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2030, '2030-04-21'],
    [2035, '2035-03-25'],
  ])('puts Easter Sunday %i on %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
    expect(swedishHolidays(year).get(date)).toBe('Påskdagen');
  });

  it('derives the moving holidays of 2026 from Easter and the midsummer weekend', () => {
    const holidays = swedishHolidays(2026);
    expect(holidays.get('2026-04-03')).toBe('Långfredagen');
    expect(holidays.get('2026-04-06')).toBe('Annandag påsk');
    expect(holidays.get('2026-05-14')).toBe('Kristi himmelsfärdsdag');
    expect(holidays.get('2026-05-24')).toBe('Pingstdagen');
    expect(holidays.get('2026-06-19')).toBe('Midsommarafton');
    expect(holidays.get('2026-06-20')).toBe('Midsommardagen');
    expect(holidays.get('2026-10-31')).toBe('Alla helgons dag');
  });
});

describe('isWorkingDay', () => {
  it.each(['2026-12-05', '2026-12-06', '2026-06-20', '2026-10-31'])('is false on the weekend day %s', (date) => {
    expect(isWorkingDay(date)).toBe(false);
  });

  it.each([
    ['2026-01-01', 'Nyårsdagen'],
    ['2026-01-06', 'Trettondedag jul'],
    ['2026-04-03', 'Långfredagen'],
    ['2026-04-06', 'Annandag påsk'],
    ['2026-05-01', 'Första maj'],
    ['2026-05-14', 'Kristi himmelsfärdsdag'],
    ['2025-06-06', 'Sveriges nationaldag (a Friday in 2025)'],
    ['2026-12-25', 'Juldagen'],
    ['2026-12-26', 'Annandag jul'],
  ])('is false on the public holiday %s (%s)', (date) => {
    expect(isWorkingDay(date)).toBe(false);
  });

  it.each([
    ['2026-06-19', 'midsommarafton'],
    ['2025-06-20', 'midsommarafton'],
    ['2026-12-24', 'julafton'],
    ['2026-12-31', 'nyårsafton'],
  ])('is false on %s, %s, which working-time law treats as a holiday', (date) => {
    expect(isWorkingDay(date)).toBe(false);
  });

  it.each([
    ['2026-01-05', 'trettondagsafton'],
    ['2026-04-02', 'skärtorsdagen'],
    ['2026-04-30', 'valborgsmässoafton'],
    ['2026-05-25', 'annandag pingst'],
    ['2026-10-30', 'allhelgonaafton'],
    ['2026-12-07', 'an ordinary Monday'],
    ['2026-12-11', 'an ordinary Friday'],
  ])('is true on %s, %s', (date) => {
    expect(isWorkingDay(date)).toBe(true);
  });

  it('rejects something that is not a real date', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow();
    expect(() => isWorkingDay('tomorrow')).toThrow();
  });
});

describe('nthWorkingDayAfter', () => {
  it('never counts the day itself, even when it is a working day', () => {
    expect(nthWorkingDayAfter('2026-12-07', 1)).toBe('2026-12-08');
    expect(nthWorkingDayAfter('2026-12-07', 5)).toBe('2026-12-14');
  });

  it('skips the weekend', () => {
    expect(nthWorkingDayAfter('2026-12-04', 1)).toBe('2026-12-07');
    expect(nthWorkingDayAfter('2026-12-05', 1)).toBe('2026-12-07');
    expect(nthWorkingDayAfter('2026-12-06', 1)).toBe('2026-12-07');
  });

  it('skips holidays and the eves that count as holidays', () => {
    // Thu 2 April 2026 -> Långfredagen, the weekend and Annandag påsk are skipped.
    expect(nthWorkingDayAfter('2026-04-02', 1)).toBe('2026-04-07');
    // Tue 23 Dec 2026 -> julafton, juldagen, the weekend are skipped; then Mon 28 Dec.
    expect(nthWorkingDayAfter('2026-12-23', 1)).toBe('2026-12-28');
  });

  it("crosses into the next year using that year's holidays", () => {
    // Wed 30 Dec 2026: nyårsafton, nyårsdagen, weekend; Mon 4, Tue 5, (Wed 6 trettondedag), Thu 7, Fri 8, Mon 11.
    expect(nthWorkingDayAfter('2026-12-30', 5)).toBe('2027-01-11');
  });
});

describe('endOfStockholmDay', () => {
  it('is the last millisecond of the day with the winter offset in winter', () => {
    expect(endOfStockholmDay('2026-12-11')).toBe('2026-12-11T23:59:59.999+01:00');
  });

  it('is the last millisecond of the day with the summer offset in summer', () => {
    expect(endOfStockholmDay('2026-06-26')).toBe('2026-06-26T23:59:59.999+02:00');
  });

  it('uses the offset in force at the end of the day on which daylight saving time changes', () => {
    expect(endOfStockholmDay('2026-03-29')).toBe('2026-03-29T23:59:59.999+02:00');
    expect(endOfStockholmDay('2026-10-25')).toBe('2026-10-25T23:59:59.999+01:00');
  });
});

function deadlineOf(answeredAt: string, desired?: string | null) {
  return assignmentDeadline(new Date(answeredAt), desired);
}

describe('assignmentDeadline without a desired date', () => {
  it.each([
    // [what, answered at, deadline date, deadline]
    ['on a Friday evening', '2026-12-04T18:00:00+01:00', '2026-12-11', '2026-12-11T23:59:59.999+01:00'],
    ['on a Saturday', '2026-12-05T10:00:00+01:00', '2026-12-11', '2026-12-11T23:59:59.999+01:00'],
    ['on a Sunday', '2026-12-06T10:00:00+01:00', '2026-12-11', '2026-12-11T23:59:59.999+01:00'],
    [
      'on an ordinary Monday (the answer day does not count)',
      '2026-12-07T09:00:00+01:00',
      '2026-12-14',
      '2026-12-14T23:59:59.999+01:00',
    ],
    // Tue 6 Jan (trettondedag jul): Wed 7, Thu 8, Fri 9, Mon 12, Tue 13.
    ['on Trettondedag jul', '2026-01-06T12:00:00+01:00', '2026-01-13', '2026-01-13T23:59:59.999+01:00'],
    // Fri 1 May (första maj): Mon 4 .. Fri 8.
    ['on Första maj', '2026-05-01T12:00:00+02:00', '2026-05-08', '2026-05-08T23:59:59.999+02:00'],
    // Thu 14 May (Kristi himmelsfärdsdag): Fri 15, Mon 18, Tue 19, Wed 20, Thu 21.
    ['on Kristi himmelsfärdsdag', '2026-05-14T12:00:00+02:00', '2026-05-21', '2026-05-21T23:59:59.999+02:00'],
    // Wed 13 May: (Thu 14 holiday) Fri 15, Mon 18, Tue 19, Wed 20, Thu 21.
    [
      'the day before Kristi himmelsfärdsdag',
      '2026-05-13T12:00:00+02:00',
      '2026-05-21',
      '2026-05-21T23:59:59.999+02:00',
    ],
    // Wed 20 May: Thu 21, Fri 22, Mon 25 (annandag pingst is a working day), Tue 26, Wed 27.
    ['the week before annandag pingst', '2026-05-20T12:00:00+02:00', '2026-05-27', '2026-05-27T23:59:59.999+02:00'],
    // Fri 19 June (midsommarafton): Mon 22 .. Fri 26.
    ['on midsommarafton', '2026-06-19T12:00:00+02:00', '2026-06-26', '2026-06-26T23:59:59.999+02:00'],
    // Thu 18 June: (Fri 19 midsommarafton) Mon 22 .. Fri 26.
    ['the day before midsommarafton', '2026-06-18T12:00:00+02:00', '2026-06-26', '2026-06-26T23:59:59.999+02:00'],
    // Tue 22 Dec: Wed 23, (24, 25, weekend) Mon 28, Tue 29, Wed 30, (31, 1 Jan, weekend) Mon 4 Jan.
    ['on 22 December', '2026-12-22T12:00:00+01:00', '2027-01-04', '2027-01-04T23:59:59.999+01:00'],
    // Wed 23 Dec: Mon 28, Tue 29, Wed 30, Mon 4 Jan, Tue 5 Jan.
    ['on 23 December', '2026-12-23T12:00:00+01:00', '2027-01-05', '2027-01-05T23:59:59.999+01:00'],
    // Wed 30 Dec: Mon 4, Tue 5, (Wed 6 trettondedag jul) Thu 7, Fri 8, Mon 11 Jan.
    ['on 30 December', '2026-12-30T12:00:00+01:00', '2027-01-11', '2027-01-11T23:59:59.999+01:00'],
  ])('answered %s (%s) is due on %s', (_what, answeredAt, deadlineDate, deadline) => {
    expect(deadlineOf(answeredAt)).toEqual({ deadlineDate, deadline });
  });
});

describe('assignmentDeadline around daylight saving time (2026: starts 29 March 01:00 UTC, ends 25 October 01:00 UTC)', () => {
  it('keeps +01:00 when both the answer and the deadline are before summer time starts', () => {
    // Fri 20 March: Mon 23 .. Fri 27.
    expect(deadlineOf('2026-03-20T12:00:00+01:00')).toEqual({
      deadlineDate: '2026-03-27',
      deadline: '2026-03-27T23:59:59.999+01:00',
    });
  });

  it('gives +02:00 when answered in winter time and due in summer time (skipping Easter)', () => {
    // Fri 27 March: Mon 30, Tue 31, Wed 1, Thu 2, (Långfredagen, weekend, Annandag påsk) Tue 7 April.
    expect(deadlineOf('2026-03-27T12:00:00+01:00')).toEqual({
      deadlineDate: '2026-04-07',
      deadline: '2026-04-07T23:59:59.999+02:00',
    });
  });

  it.each([
    ['just before the clocks go forward', '2026-03-29T00:59:59Z'],
    ['just after the clocks go forward', '2026-03-29T01:00:00Z'],
    ['in the first minutes of the day, still winter time', '2026-03-28T23:30:00Z'],
  ])('answered on Sunday 29 March %s (%s) is due Tuesday 7 April, +02:00', (_what, answeredAt) => {
    expect(deadlineOf(answeredAt)).toEqual({ deadlineDate: '2026-04-07', deadline: '2026-04-07T23:59:59.999+02:00' });
  });

  it('keeps +02:00 when both the answer and the deadline are before summer time ends', () => {
    // Fri 16 October: Mon 19 .. Fri 23.
    expect(deadlineOf('2026-10-16T12:00:00+02:00')).toEqual({
      deadlineDate: '2026-10-23',
      deadline: '2026-10-23T23:59:59.999+02:00',
    });
  });

  it.each([
    ['on the Friday before in summer time', '2026-10-23T12:00:00+02:00'],
    ['on Sunday 25 October just before the clocks go back', '2026-10-25T00:59:59Z'],
    ['on Sunday 25 October just after the clocks go back', '2026-10-25T01:00:00Z'],
  ])('answered %s (%s) is due Friday 30 October, +01:00 (allhelgonaafton is a working day)', (_what, answeredAt) => {
    expect(deadlineOf(answeredAt)).toEqual({ deadlineDate: '2026-10-30', deadline: '2026-10-30T23:59:59.999+01:00' });
  });

  it('ends the deadline day with the offset in force at its end on the day the clocks change', () => {
    expect(deadlineOf('2026-03-27T12:00:00+01:00', '2026-03-29')).toEqual({
      deadlineDate: '2026-03-29',
      deadline: '2026-03-29T23:59:59.999+02:00',
    });
    expect(deadlineOf('2026-10-23T12:00:00+02:00', '2026-10-25')).toEqual({
      deadlineDate: '2026-10-25',
      deadline: '2026-10-25T23:59:59.999+01:00',
    });
  });
});

describe('assignmentDeadline uses the Stockholm date of the answer, not the UTC date', () => {
  it('treats 23:30 UTC on Monday 30 November as Tuesday 1 December in Stockholm', () => {
    // Tue 1 Dec: Wed 2, Thu 3, Fri 4, Mon 7, Tue 8 (the UTC date would give Mon 7).
    expect(deadlineOf('2026-11-30T23:30:00Z')).toEqual({
      deadlineDate: '2026-12-08',
      deadline: '2026-12-08T23:59:59.999+01:00',
    });
  });

  it('treats 22:30 UTC on Monday 1 June as Tuesday 2 June in Stockholm (summer time)', () => {
    // Tue 2 June: Wed 3, Thu 4, Fri 5, (Sat 6 nationaldagen) Mon 8, Tue 9.
    expect(deadlineOf('2026-06-01T22:30:00Z')).toEqual({
      deadlineDate: '2026-06-09',
      deadline: '2026-06-09T23:59:59.999+02:00',
    });
  });

  it('switches the answer day exactly at local midnight', () => {
    // 23:59:59 on Thu 22 October local: Fri 23, Mon 26, Tue 27, Wed 28, Thu 29.
    expect(deadlineOf('2026-10-22T21:59:59Z').deadlineDate).toBe('2026-10-29');
    // 00:00:00 on Fri 23 October local: Mon 26 .. Fri 30.
    expect(deadlineOf('2026-10-22T22:00:00Z').deadlineDate).toBe('2026-10-30');
  });

  it('reads an answer given with another offset in Stockholm time', () => {
    // 20:00 in New York on Thu 3 December is 02:00 on Fri 4 December in Stockholm.
    expect(deadlineOf('2026-12-03T20:00:00-05:00').deadlineDate).toBe('2026-12-11');
  });
});

describe('assignmentDeadline with a desired availability date', () => {
  const FRIDAY_EVENING = '2026-12-04T18:00:00+01:00'; // five-day date: Fri 11 December

  it('uses the desired date when it is earlier than the five-day date', () => {
    expect(deadlineOf(FRIDAY_EVENING, '2026-12-09')).toEqual({
      deadlineDate: '2026-12-09',
      deadline: '2026-12-09T23:59:59.999+01:00',
    });
  });

  it('uses the desired date as it is when it falls on a weekend before the five-day date', () => {
    expect(deadlineOf(FRIDAY_EVENING, '2026-12-05')).toEqual({
      deadlineDate: '2026-12-05',
      deadline: '2026-12-05T23:59:59.999+01:00',
    });
  });

  it('uses the five-day date when the desired date is later, even on a weekend', () => {
    expect(deadlineOf(FRIDAY_EVENING, '2026-12-12').deadlineDate).toBe('2026-12-11');
    expect(deadlineOf(FRIDAY_EVENING, '2027-02-01').deadlineDate).toBe('2026-12-11');
  });

  it('uses the five-day date when the desired date is that same date', () => {
    expect(deadlineOf(FRIDAY_EVENING, '2026-12-11').deadlineDate).toBe('2026-12-11');
  });

  it('ends at the end of the answer day when the desired date is already past', () => {
    expect(deadlineOf(FRIDAY_EVENING, '2026-12-01')).toEqual({
      deadlineDate: '2026-12-04',
      deadline: '2026-12-04T23:59:59.999+01:00',
    });
    expect(deadlineOf(FRIDAY_EVENING, '2025-06-30').deadlineDate).toBe('2026-12-04');
  });

  it('ends at the end of the answer day when the desired date is the answer day', () => {
    expect(deadlineOf(FRIDAY_EVENING, '2026-12-04')).toEqual({
      deadlineDate: '2026-12-04',
      deadline: '2026-12-04T23:59:59.999+01:00',
    });
  });

  it('ends at the end of a non-working answer day when the desired date is already past', () => {
    // Answered on Sunday 6 December, desired 1 December: the deadline is still the answer day.
    expect(deadlineOf('2026-12-06T10:00:00+01:00', '2026-12-01').deadlineDate).toBe('2026-12-06');
  });

  it('compares a past desired date with the Stockholm answer day, not the UTC one', () => {
    // 23:30 UTC on 30 November is 1 December in Stockholm, so a desired 30 November is already past.
    expect(deadlineOf('2026-11-30T23:30:00Z', '2026-11-30')).toEqual({
      deadlineDate: '2026-12-01',
      deadline: '2026-12-01T23:59:59.999+01:00',
    });
  });

  it('treats a missing desired date (null or undefined) as no limit', () => {
    expect(deadlineOf(FRIDAY_EVENING, null).deadlineDate).toBe('2026-12-11');
    expect(deadlineOf(FRIDAY_EVENING, undefined).deadlineDate).toBe('2026-12-11');
  });
});

describe('the assignment deadline against the independent calendar', () => {
  // A second, deliberately naive implementation of the rule on top of date-holidays: walk day by
  // day from the answer date, counting weekdays that the reference does not list. The days are
  // listed once up front (luxon per step made 36 years take minutes).
  const referenceHolidays = new Set(YEARS.concat([2061]).flatMap(referenceNonWorkingWeekdays));
  const days = YEARS.concat([2061]).flatMap(everyDateOf);
  const working = days.map((date) => isWeekday(date) && !referenceHolidays.has(date));
  function referenceDeadline(index: number, desired: string | null): string {
    let at = index;
    for (let counted = 0; counted < 5;) if (working[++at]) counted++;
    let deadline = days[at]!;
    if (desired !== null && desired < deadline) deadline = desired;
    return deadline < days[index]! ? days[index]! : deadline;
  }
  const endOfDay = (date: string) => DateTime.fromISO(date, { zone: 'Europe/Stockholm' }).endOf('day').toISO();

  it('agrees for an answer at 12:00 Stockholm time on every day of 2025–2060 (with a desired date too on 2025–2035)', () => {
    const disagreements: string[] = [];
    for (let index = 0; days[index]! < '2061-01-01'; index++) {
      const date = days[index]!;
      const answeredAt = DateTime.fromISO(`${date}T12:00`, { zone: 'Europe/Stockholm' }).toJSDate();
      // The desired-date part of the rule does not depend on the year: checked on 2025–2035 only,
      // which keeps this test's time (about 1 ms a deadline) in bounds.
      for (const wish of date < '2036-01-01' ? [null, days[index + 3]!] : [null]) {
        const ours = assignmentDeadline(answeredAt, wish);
        const expected = referenceDeadline(index, wish);
        if (ours.deadlineDate !== expected || ours.deadline !== endOfDay(expected)) {
          disagreements.push(`${date} desired ${wish}: ours ${ours.deadlineDate}, reference ${expected}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});

describe('counting working days, on every day of 2025–2030', () => {
  // The holidays themselves are checked to 2060 above; this checks the day arithmetic (weekdays,
  // month, year and leap-day crossings), where six years are plenty and each oracle step is slow.
  it('agrees with the independent calendar on each day, the day before, and the days up to ten ahead', () => {
    const disagreements: string[] = [];
    for (let date = '2025-01-01'; date < '2031-01-01'; date = calendarDaysAfter(date, 1)) {
      const tenAhead = calendarDaysAfter(date, 10);
      const ours = [
        swedishCalendar.isWorkingDay(date),
        swedishCalendar.workingDayBefore(date),
        swedishCalendar.workingDaysBetween(date, tenAhead),
      ];
      const expected = [
        isWorkingDayOracle(date),
        workingDayBeforeOracle(date),
        workingDaysBetweenOracle(date, tenAhead),
      ];
      if (JSON.stringify(ours) !== JSON.stringify(expected)) {
        disagreements.push(`${date}: ours ${JSON.stringify(ours)}, reference ${JSON.stringify(expected)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('refuses a date that does not exist, or is not written YYYY-MM-DD', () => {
    for (const date of ['2026-02-30', '2026-13-01', '2026-1-5', '5 January 2026', '']) {
      expect(() => swedishCalendar.workingDaysBetween(date, '2026-12-31')).toThrow(/not a date/);
      expect(() => swedishCalendar.isWorkingDay(date)).toThrow(/not a date/);
    }
  });
});

/**
 * The oracle itself, against dates worked out by hand on a printed calendar: tests trust it for
 * their expectations, so it gets its own check.
 */
import {
  assignmentDeadlineDateOracle,
  atStockholm,
  endOfDayOracle,
  isWorkingDayOracle,
  longDateOracle,
  nextHoliday,
  nextMondayWorkingWeek,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
  stockholmWallClock,
  workingDayBeforeOracle,
  workingDaysBetweenOracle,
} from './calendar-oracle';

test('knows the non-working days of our rule and the eves that are working days', () => {
  for (const date of [
    '2027-01-06',
    '2027-03-26',
    '2027-03-29',
    '2027-05-06',
    '2027-06-25',
    '2027-12-24',
    '2027-12-31',
  ]) {
    expect([date, isWorkingDayOracle(date)]).toEqual([date, false]);
  }
  // Trettondagsafton, skärtorsdagen, valborgsmässoafton, annandag pingst, allhelgonaafton.
  for (const date of ['2027-01-05', '2027-03-25', '2027-04-30', '2027-05-17', '2027-11-05']) {
    expect([date, isWorkingDayOracle(date)]).toEqual([date, true]);
  }
  expect(isWorkingDayOracle('2027-01-09')).toBe(false); // a Saturday
});

test('counts working days strictly after a date, across the new year', () => {
  // Wed 30 Dec 2026: (31, 1 Jan, weekend) Mon 4, Tue 5, (Wed 6) Thu 7, Fri 8, Mon 11.
  expect(nthWorkingDayAfterOracle('2026-12-30', 5)).toBe('2027-01-11');
  expect(nthWorkingDayAfterOracle('2026-12-07', 1)).toBe('2026-12-08');
  expect(workingDayBeforeOracle('2027-01-04')).toBe('2026-12-30');
  expect(workingDaysBetweenOracle('2026-12-07', '2026-12-14')).toBe(5);
  expect(workingDaysBetweenOracle('2026-12-14', '2026-12-14')).toBe(0);
  expect(workingDaysBetweenOracle('2026-12-15', '2026-12-14')).toBe(0);
});

test('gives the assignment deadline of the rule, with and without a desired date', () => {
  expect(assignmentDeadlineDateOracle(new Date('2026-12-04T18:00:00+01:00'))).toBe('2026-12-11');
  expect(assignmentDeadlineDateOracle(new Date('2026-12-04T18:00:00+01:00'), '2026-12-09')).toBe('2026-12-09');
  expect(assignmentDeadlineDateOracle(new Date('2026-12-04T18:00:00+01:00'), '2026-12-01')).toBe('2026-12-04');
  // 23:30 UTC on 30 November is 1 December in Stockholm.
  expect(assignmentDeadlineDateOracle(new Date('2026-11-30T23:30:00Z'))).toBe('2026-12-08');
  expect(endOfDayOracle('2027-03-08')).toBe('2027-03-08T23:59:59.999+01:00');
  expect(endOfDayOracle('2027-06-08')).toBe('2027-06-08T23:59:59.999+02:00');
});

test('reads and writes Stockholm wall-clock times', () => {
  expect(stockholmDateOf(new Date('2026-11-30T23:30:00Z'))).toBe('2026-12-01');
  expect(atStockholm('2027-03-08', '08:00').toISOString()).toBe('2027-03-08T07:00:00.000Z');
  expect(stockholmWallClock(new Date('2027-06-08T06:00:00Z'))).toBe('2027-06-08 08:00');
});

test('finds scenario dates ahead of a run date', () => {
  // Mon 14 Dec 2026 has julafton within ten weekdays, Mon 4 Jan trettondedag jul: Mon 11 Jan is clear.
  expect(nextMondayWorkingWeek('2026-12-14')).toBe('2027-01-11');
  expect(nextMondayWorkingWeek('2026-11-30', { atLeastDaysAhead: 7 })).toBe('2026-12-07');
  expect(nextHoliday('2026-11-30', 'Kristi himmelsfärdsdag', { atLeastDaysAhead: 14 })).toBe('2027-05-06');
  expect(nextHoliday('2026-11-30', 'midsommarafton')).toBe('2027-06-25');
  expect(nextHoliday('2026-12-20', 'julafton')).toBe('2026-12-24');
  expect(nextHoliday('2026-12-20', 'julafton', { atLeastDaysAhead: 14 })).toBe('2027-12-24');
  // The next julafton on a Friday after 2027 is in 2032.
  expect(nextHoliday('2028-01-01', 'julafton', { weekday: 5 })).toBe('2032-12-24');
  expect(() => nextHoliday('2026-11-30', 'valborgsmässoafton')).toThrow(/not a holiday/);
});

test('writes dates out in Swedish and English', () => {
  expect(longDateOracle('2026-12-14', 'sv')).toBe('måndag 14 december 2026');
  expect(longDateOracle('2030-06-10', 'en')).toBe('Monday 10 June 2030');
  expect(longDateOracle('2031-03-02', 'en')).toBe('Sunday 2 March 2031');
});

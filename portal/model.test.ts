import type { LicenseRequestView } from '../services/license-request-view';
import { assignmentProgress, deadlineState, yesPreview } from './model';
import {
  atStockholm,
  calendarDaysAfter,
  endOfDayOracle,
  nextHoliday,
  nextMondayWorkingWeek,
  nthWorkingDayAfterOracle,
} from '../test/helpers/calendar-oracle';

// Dates come from the run date and the independent calendar oracle, so the tests hold on any day.
const MONDAY = nextMondayWorkingWeek(new Date(), { atLeastDaysAhead: 1 });
const day = (n: number) => calendarDaysAfter(MONDAY, n);
// End of the Friday of a week with no holiday in it (and none in the week after).
const FRIDAY = day(4);
const DEADLINE = endOfDayOracle(FRIDAY);

test('working days left count the days after today up to the deadline date; on the day itself it is 0', () => {
  const request = { status: 'AWAITING_ASSIGNMENT' as const, deadline: DEADLINE };
  expect(deadlineState(request, atStockholm(day(2), '10:00'))).toMatchObject({
    deadlineDate: FRIDAY,
    open: true,
    overdue: false,
    workingDaysLeft: 2,
  });
  expect(deadlineState(request, atStockholm(FRIDAY, '23:00'))).toMatchObject({ overdue: false, workingDaysLeft: 0 });
  // Midsommar: midsommarafton (a Friday) is not a working day, so Thursday to Monday is one.
  const midsommarafton = nextHoliday(new Date(), 'midsommarafton', { atLeastDaysAhead: 1 });
  expect(
    deadlineState(
      { status: 'AWAITING_ASSIGNMENT', deadline: endOfDayOracle(calendarDaysAfter(midsommarafton, 3)) },
      atStockholm(calendarDaysAfter(midsommarafton, -1), '09:00'),
    )?.workingDaysLeft,
  ).toBe(1);
});

test('a deadline that has passed is overdue (even before the workflow has moved to OVERDUE), with the working days since', () => {
  expect(deadlineState({ status: 'OVERDUE', deadline: DEADLINE }, atStockholm(day(8), '09:00'))).toMatchObject({
    overdue: true,
    workingDaysOverdue: 2,
  });
  const justPassed = deadlineState(
    { status: 'AWAITING_ASSIGNMENT', deadline: DEADLINE },
    new Date(Date.parse(DEADLINE) + 2000),
  );
  expect(justPassed).toMatchObject({ overdue: true, workingDaysOverdue: 0 });
  expect(justPassed?.workingDaysLeft).toBeUndefined();
});

test('a finished request shows its deadline without days left or overdue; no deadline, nothing', () => {
  const done = deadlineState({ status: 'COMPLETED', deadline: DEADLINE }, atStockholm(day(24), '09:00'));
  expect(done).toMatchObject({ open: false, overdue: false });
  expect(done?.workingDaysLeft).toBeUndefined();
  expect(deadlineState({ status: 'AWAITING_ANSWER', deadline: null }, new Date())).toBeUndefined();
});

test("the confirmation's deadline follows the contract: five working days, or the desired date if earlier, never before today", () => {
  // The README's example: a Wednesday two days before a julafton on a Friday; julafton, the
  // weekend and the holidays after it do not count.
  const julafton = nextHoliday(new Date(), 'julafton', { atLeastDaysAhead: 3, weekday: 5 });
  const wednesdayDate = calendarDaysAfter(julafton, -2);
  const wednesday = atStockholm(wednesdayDate, '10:00');
  expect(yesPreview({ desiredAvailability: null }, wednesday)).toEqual({
    deadlineDate: nthWorkingDayAfterOracle(wednesdayDate, 5),
    desiredIsEarlier: false,
  });
  const mondayAfter = calendarDaysAfter(julafton, 3);
  expect(yesPreview({ desiredAvailability: mondayAfter }, wednesday)).toEqual({
    deadlineDate: mondayAfter,
    desiredIsEarlier: true,
  });
  expect(yesPreview({ desiredAvailability: calendarDaysAfter(julafton, -23) }, wednesday)).toEqual({
    deadlineDate: wednesdayDate,
    desiredIsEarlier: true,
  });
});

const request: Pick<LicenseRequestView, 'schools'> = {
  schools: [
    { skolonId: 'sch-1', name: 'Norra skolan', assignment: 'ASSIGNED' },
    { skolonId: 'sch-2', name: 'Södra skolan', assignment: 'PENDING' },
    { skolonId: 'sch-3', name: 'Östra skolan', assignment: 'NOT_LICENSED' },
  ],
};

test('progress counts the licensed schools only', () => {
  expect(assignmentProgress(request)).toEqual({ licensed: 2, assigned: 1 });
});

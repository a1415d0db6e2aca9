import type { LicenseRequestView } from '../api/services/license-request-view';
import { assignmentProgress, deadlineState, yesPreview } from './model';

const at = (iso: string) => new Date(iso);
// End of Friday 11 June 2027 in Stockholm (summer time).
const DEADLINE = '2027-06-11T23:59:59.999+02:00';

test('working days left count the days after today up to the deadline date; on the day itself it is 0', () => {
  const request = { status: 'AWAITING_ASSIGNMENT' as const, deadline: DEADLINE };
  expect(deadlineState(request, at('2027-06-09T10:00:00+02:00'))).toMatchObject({
    deadlineDate: '2027-06-11',
    open: true,
    overdue: false,
    workingDaysLeft: 2,
  });
  expect(deadlineState(request, at('2027-06-11T23:00:00+02:00'))).toMatchObject({ overdue: false, workingDaysLeft: 0 });
  // Midsommar: Friday 25 June 2027 is midsommarafton, not a working day.
  expect(
    deadlineState(
      { status: 'AWAITING_ASSIGNMENT', deadline: '2027-06-28T23:59:59.999+02:00' },
      at('2027-06-24T09:00:00+02:00'),
    )?.workingDaysLeft,
  ).toBe(1);
});

test('a deadline that has passed is overdue (even before the workflow has moved to OVERDUE), with the working days since', () => {
  expect(deadlineState({ status: 'OVERDUE', deadline: DEADLINE }, at('2027-06-15T09:00:00+02:00'))).toMatchObject({
    overdue: true,
    workingDaysOverdue: 2,
  });
  const justPassed = deadlineState(
    { status: 'AWAITING_ASSIGNMENT', deadline: DEADLINE },
    at('2027-06-12T00:00:01+02:00'),
  );
  expect(justPassed).toMatchObject({ overdue: true, workingDaysOverdue: 0 });
  expect(justPassed?.workingDaysLeft).toBeUndefined();
});

test('a finished request shows its deadline without days left or overdue; no deadline, nothing', () => {
  const done = deadlineState({ status: 'COMPLETED', deadline: DEADLINE }, at('2027-07-01T09:00:00+02:00'));
  expect(done).toMatchObject({ open: false, overdue: false });
  expect(done?.workingDaysLeft).toBeUndefined();
  expect(deadlineState({ status: 'AWAITING_ANSWER', deadline: null }, new Date())).toBeUndefined();
});

test("the confirmation's deadline follows the contract: five working days, or the desired date if earlier, never before today", () => {
  // The README's example: julafton, the weekend and nyårsafton do not count.
  const wednesday = at('2027-12-22T10:00:00+01:00');
  expect(yesPreview({ desiredAvailability: null }, wednesday)).toEqual({
    deadlineDate: '2027-12-30',
    desiredIsEarlier: false,
  });
  expect(yesPreview({ desiredAvailability: '2027-12-27' }, wednesday)).toEqual({
    deadlineDate: '2027-12-27',
    desiredIsEarlier: true,
  });
  expect(yesPreview({ desiredAvailability: '2027-12-01' }, wednesday)).toEqual({
    deadlineDate: '2027-12-22',
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

/**
 * The rulebook (docs/process.md, "The process"): every status × action × role, with the expected
 * answer written out here by hand from the process description, not read from the module's table.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  calendarDaysAfter,
  endOfDayOracle,
  isWorkingDayOracle,
  nonexistentDateAfter,
  nthWorkingDayAfterOracle,
  stockholmDateOf,
} from '../test/helpers/calendar-oracle';
import { swedishCalendar } from './working-days';
import {
  extendedDeadline,
  factsOf,
  invalidDeadline,
  isFinal,
  LicenseRequest,
  refusalFor,
  type Action,
  type PartnerResponse,
  type RequestFacts,
  type Role,
  type Status,
} from './license-request';

const DEADLINE = '2027-06-11T23:59:59.999+02:00';

/** A request in `status`, as the read model would show it (response and deadline to match). */
function inStatus(status: Status): RequestFacts {
  const response: PartnerResponse =
    status === 'AWAITING_ANSWER' || status === 'WITHDRAWN' ? 'UNANSWERED' : status === 'DECLINED' ? 'NO' : 'YES';
  const answeredYes = response === 'YES';
  return {
    status,
    response,
    deadline: answeredYes ? DEADLINE : null,
    schools: Object.assign(Object.create(null) as Record<string, never>, {
      'sch-1':
        status === 'COMPLETED'
          ? 'ASSIGNED'
          : answeredYes
            ? 'PENDING'
            : status === 'DECLINED'
              ? 'NOT_LICENSED'
              : 'PENDING',
      'sch-2':
        status === 'COMPLETED'
          ? 'ASSIGNED'
          : answeredYes
            ? 'PENDING'
            : status === 'DECLINED'
              ? 'NOT_LICENSED'
              : 'PENDING',
    }),
  };
}

// What each action names in the table below: a YES for every school, one school to assign, nothing.
const INPUT: Record<Action, { response?: 'YES'; schools?: string[] }> = {
  answer: { response: 'YES' },
  assign: { schools: ['sch-1'] },
  withdraw: {},
  extend: {},
  reopen: {},
  resend: {},
};

// status, action, role → undefined (allowed) or the refusal code.
// prettier-ignore
const TABLE: Array<[Status, Action, Role, string | undefined]> = [
  ['AWAITING_ANSWER',     'answer',   'partner', undefined],
  ['AWAITING_ANSWER',     'answer',   'admin',   'WRONG_ROLE'],
  ['AWAITING_ANSWER',     'assign',   'partner', 'NOT_YET_ANSWERED'],
  ['AWAITING_ANSWER',     'assign',   'admin',   'WRONG_ROLE'],
  ['AWAITING_ANSWER',     'withdraw', 'admin',   undefined],
  ['AWAITING_ANSWER',     'withdraw', 'partner', 'WRONG_ROLE'],
  ['AWAITING_ANSWER',     'extend',   'admin',   'NOT_YET_ANSWERED'],
  ['AWAITING_ANSWER',     'extend',   'partner', 'WRONG_ROLE'],
  ['AWAITING_ANSWER',     'reopen',   'admin',   'NOT_DECLINED'],
  ['AWAITING_ANSWER',     'reopen',   'partner', 'WRONG_ROLE'],
  ['AWAITING_ANSWER',     'resend',   'admin',   undefined],
  ['AWAITING_ANSWER',     'resend',   'partner', 'WRONG_ROLE'],

  ['AWAITING_ASSIGNMENT', 'answer',   'partner', 'ALREADY_ANSWERED'],
  ['AWAITING_ASSIGNMENT', 'answer',   'admin',   'WRONG_ROLE'],
  ['AWAITING_ASSIGNMENT', 'assign',   'partner', undefined],
  ['AWAITING_ASSIGNMENT', 'assign',   'admin',   'WRONG_ROLE'],
  ['AWAITING_ASSIGNMENT', 'withdraw', 'admin',   undefined],
  ['AWAITING_ASSIGNMENT', 'withdraw', 'partner', 'WRONG_ROLE'],
  ['AWAITING_ASSIGNMENT','extend',  'admin',   undefined],
  ['AWAITING_ASSIGNMENT','extend',  'partner', 'WRONG_ROLE'],
  ['AWAITING_ASSIGNMENT','reopen',  'admin',   'NOT_DECLINED'],
  ['AWAITING_ASSIGNMENT','reopen',  'partner', 'WRONG_ROLE'],
  ['AWAITING_ASSIGNMENT','resend',  'admin',   undefined],
  ['AWAITING_ASSIGNMENT','resend',  'partner', 'WRONG_ROLE'],

  ['OVERDUE',             'answer',   'partner', 'ALREADY_ANSWERED'],
  ['OVERDUE',             'answer',   'admin',   'WRONG_ROLE'],
  ['OVERDUE',             'assign',   'partner', undefined],
  ['OVERDUE',             'assign',   'admin',   'WRONG_ROLE'],
  ['OVERDUE',             'withdraw', 'admin',   undefined],
  ['OVERDUE',             'withdraw', 'partner', 'WRONG_ROLE'],
  ['OVERDUE',             'extend',   'admin',   undefined],
  ['OVERDUE',             'extend',   'partner', 'WRONG_ROLE'],
  ['OVERDUE',             'reopen',   'admin',   'NOT_DECLINED'],
  ['OVERDUE',             'reopen',   'partner', 'WRONG_ROLE'],
  ['OVERDUE',             'resend',   'admin',   undefined],
  ['OVERDUE',             'resend',   'partner', 'WRONG_ROLE'],

  ['DECLINED',            'answer',   'partner', 'ALREADY_ANSWERED'],
  ['DECLINED',            'answer',   'admin',   'WRONG_ROLE'],
  ['DECLINED',            'assign',   'partner', 'FINISHED'],
  ['DECLINED',            'assign',   'admin',   'WRONG_ROLE'],
  ['DECLINED',            'withdraw', 'admin',   'FINISHED'],
  ['DECLINED',            'withdraw', 'partner', 'WRONG_ROLE'],
  ['DECLINED',            'extend',   'admin',   'FINISHED'],
  ['DECLINED',            'extend',   'partner', 'WRONG_ROLE'],
  ['DECLINED',            'reopen',   'admin',   undefined],
  ['DECLINED',            'reopen',   'partner', 'WRONG_ROLE'],
  ['DECLINED',            'resend',   'admin',   'FINISHED'],
  ['DECLINED',            'resend',   'partner', 'WRONG_ROLE'],

  // A COMPLETED request has every licensed school assigned: assigning one again is a harmless retry.
  ['COMPLETED',           'answer',   'partner', 'ALREADY_ANSWERED'],
  ['COMPLETED',           'answer',   'admin',   'WRONG_ROLE'],
  ['COMPLETED',           'assign',   'partner', undefined],
  ['COMPLETED',           'assign',   'admin',   'WRONG_ROLE'],
  ['COMPLETED',           'withdraw', 'admin',   'FINISHED'],
  ['COMPLETED',           'withdraw', 'partner', 'WRONG_ROLE'],
  ['COMPLETED',           'extend',   'admin',   'FINISHED'],
  ['COMPLETED',           'extend',   'partner', 'WRONG_ROLE'],
  ['COMPLETED',           'reopen',   'admin',   'NOT_DECLINED'],
  ['COMPLETED',           'reopen',   'partner', 'WRONG_ROLE'],
  ['COMPLETED',           'resend',   'admin',   'FINISHED'],
  ['COMPLETED',           'resend',   'partner', 'WRONG_ROLE'],

  ['WITHDRAWN',           'answer',   'partner', 'WITHDRAWN'],
  ['WITHDRAWN',           'answer',   'admin',   'WRONG_ROLE'],
  ['WITHDRAWN',           'assign',   'partner', 'WITHDRAWN'],
  ['WITHDRAWN',           'assign',   'admin',   'WRONG_ROLE'],
  ['WITHDRAWN',           'withdraw', 'admin',   'WITHDRAWN'],
  ['WITHDRAWN',           'withdraw', 'partner', 'WRONG_ROLE'],
  ['WITHDRAWN',           'extend',   'admin',   'WITHDRAWN'],
  ['WITHDRAWN',           'extend',   'partner', 'WRONG_ROLE'],
  ['WITHDRAWN',           'reopen',   'admin',   'WITHDRAWN'],
  ['WITHDRAWN',           'reopen',   'partner', 'WRONG_ROLE'],
  ['WITHDRAWN',           'resend',   'admin',   'WITHDRAWN'],
  ['WITHDRAWN',           'resend',   'partner', 'WRONG_ROLE'],
];

test.each(TABLE)('%s: %s by the %s → %s', (status, action, role, expected) => {
  const refusal = refusalFor(inStatus(status), action, role, INPUT[action]);
  expect(refusal?.code).toBe(expected);
  if (refusal) expect(refusal).toMatchObject({ action, status, response: inStatus(status).response });
});

test('a refusal a later status never lifts is final; "not yet answered" is not (the YES may be on its way)', () => {
  const partnerAsks = (status: Status, action: Action) => refusalFor(inStatus(status), action, 'partner')!;
  expect(isFinal(partnerAsks('AWAITING_ASSIGNMENT', 'answer'))).toBe(true);
  expect(isFinal(partnerAsks('DECLINED', 'assign'))).toBe(true);
  expect(isFinal(partnerAsks('WITHDRAWN', 'assign'))).toBe(true);
  expect(isFinal(partnerAsks('AWAITING_ANSWER', 'assign'))).toBe(false);
});

describe('what a call names', () => {
  const waiting = inStatus('AWAITING_ANSWER');
  const yesForSch1 = () => {
    const request = new LicenseRequest('r', ['sch-1', 'sch-2']);
    request.answer({ response: 'YES', schools: ['sch-1'] }, '2027-06-04T10:00:00.000Z');
    request.setDeadline({ deadlineDate: '2027-06-11', deadline: DEADLINE });
    return request;
  };
  const code = (request: RequestFacts, action: Action, input: object) =>
    refusalFor(request, action, action === 'withdraw' ? 'admin' : 'partner', input)?.code;

  test('a NO that names schools, a YES that names none, the same school twice, an unknown school', () => {
    expect(code(waiting, 'answer', { response: 'NO', schools: ['sch-1'] })).toBe('NO_WITH_SCHOOLS');
    expect(code(waiting, 'answer', { response: 'YES', schools: [] })).toBe('NO_SCHOOLS_NAMED');
    expect(code(waiting, 'answer', { response: 'YES', schools: ['sch-1', 'sch-1'] })).toBe('SCHOOL_NAMED_TWICE');
    expect(refusalFor(waiting, 'answer', 'partner', { response: 'YES', schools: ['sch-1', 'nope'] })).toEqual({
      code: 'UNKNOWN_SCHOOLS',
      action: 'answer',
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      schools: ['nope'],
    });
    expect(code(waiting, 'answer', { response: 'NO' })).toBeUndefined();
    expect(code(waiting, 'answer', { response: 'YES', schools: ['sch-2'] })).toBeUndefined();
  });

  test('school ids that look like object internals are unknown schools, not properties', () => {
    expect(code(waiting, 'answer', { response: 'YES', schools: ['constructor'] })).toBe('UNKNOWN_SCHOOLS');
    expect(code(waiting, 'answer', { response: 'YES', schools: ['__proto__'] })).toBe('UNKNOWN_SCHOOLS');
  });

  test('assigning none, an unknown school, or one answered as holding no licenses', () => {
    const request = yesForSch1();
    expect(code(request, 'assign', { schools: [] })).toBe('NO_SCHOOLS_NAMED');
    expect(code(request, 'assign', { schools: ['nope'] })).toBe('UNKNOWN_SCHOOLS');
    expect(refusalFor(request, 'assign', 'partner', { schools: ['sch-1', 'sch-2'] })).toEqual({
      code: 'SCHOOL_NOT_LICENSED',
      action: 'assign',
      status: 'AWAITING_ASSIGNMENT',
      response: 'YES',
      schools: ['sch-2'],
    });
    expect(code(request, 'assign', { schools: ['sch-1'] })).toBeUndefined();
  });

  test('assigning schools already assigned changes nothing and is allowed, except once withdrawn', () => {
    const request = yesForSch1();
    request.assign(['sch-1'], '2027-06-05T10:00:00.000Z');
    expect(request.status).toBe('COMPLETED');
    expect(code(request, 'assign', { schools: ['sch-1'] })).toBeUndefined();
    // Not a retry: a school of the request that is not assigned.
    expect(code(request, 'assign', { schools: ['sch-2'] })).toBe('FINISHED');
    // Withdrawn with sch-1 assigned: the read model's view of it.
    const withdrawn = factsOf({
      status: 'WITHDRAWN',
      response: 'YES',
      deadline: DEADLINE,
      schools: [
        { skolonId: 'sch-1', assignment: 'ASSIGNED' },
        { skolonId: 'sch-2', assignment: 'PENDING' },
      ],
    });
    expect(code(withdrawn, 'assign', { schools: ['sch-1'] })).toBe('WITHDRAWN');
  });

  test('after the YES, assignments wait for its deadline (worked out just after the answer)', () => {
    const request = new LicenseRequest('r', ['sch-1']);
    request.answer({ response: 'YES' }, '2027-06-04T10:00:00.000Z');
    expect(request.status).toBe('AWAITING_ASSIGNMENT');
    expect(code(request, 'assign', { schools: ['sch-1'] })).toBe('NOT_YET_ANSWERED');
    request.setDeadline({ deadlineDate: '2027-06-11', deadline: DEADLINE });
    expect(code(request, 'assign', { schools: ['sch-1'] })).toBeUndefined();
  });
});

describe('LicenseRequest: the transitions', () => {
  const at = '2027-06-04T10:00:00.000Z';

  test('a NO declines: every school NOT_LICENSED, finished at the answer', () => {
    const request = new LicenseRequest('r', ['a', 'b']);
    expect(request.answer({ response: 'NO' }, at)).toEqual({ licensed: [], notLicensed: ['a', 'b'] });
    expect(request.snapshot()).toEqual({
      requestId: 'r',
      status: 'DECLINED',
      response: 'NO',
      answeredAt: at,
      deadline: null,
      deadlineDate: null,
      finishedAt: at,
      schools: { a: 'NOT_LICENSED', b: 'NOT_LICENSED' },
    });
  });

  test('a YES for some schools, its deadline, OVERDUE, then the last assignment completes it', () => {
    const request = new LicenseRequest('r', ['a', 'b', 'c']);
    expect(request.answer({ response: 'YES', schools: ['c', 'a'] }, at)).toEqual({
      licensed: ['c', 'a'],
      notLicensed: ['b'],
    });
    expect(request.setDeadline({ deadlineDate: '2027-06-11', deadline: DEADLINE })).toBe(true);
    expect(request.deadlinePassedAt()).toBe('2027-06-11T22:00:00.000Z');
    request.markOverdue('2027-06-11T22:00:00.000Z');
    expect(request.outcome()).toMatchObject({ status: 'OVERDUE', pendingSchools: 2, finishedAt: null });
    expect(request.assign(['a', 'a'], '2027-06-14T09:00:00.000Z')).toEqual({ assigned: ['a'], completed: false });
    expect(request.assign(['a', 'c'], '2027-06-14T10:00:00.000Z')).toEqual({ assigned: ['c'], completed: true });
    expect(request.outcome()).toMatchObject({
      status: 'COMPLETED',
      finishedAt: '2027-06-14T10:00:00.000Z',
      pendingSchools: 0,
    });
  });

  test('withdrawn while the deadline was being worked out: the answer stands, no deadline does', () => {
    const request = new LicenseRequest('r', ['a']);
    request.answer({ response: 'YES' }, at);
    request.withdraw('2027-06-04T10:00:01.000Z');
    expect(request.setDeadline({ deadlineDate: '2027-06-11', deadline: DEADLINE })).toBe(false);
    expect(request.snapshot()).toMatchObject({ status: 'WITHDRAWN', response: 'YES', deadline: null });
  });
});

describe("support's exceptions", () => {
  const admin = { role: 'admin' as const };
  const now = new Date();
  const today = stockholmDateOf(now);

  test('an extension: a working day after the current deadline date, not in the past; else what is wrong', () => {
    const current = nthWorkingDayAfterOracle(today, 2);
    const later = nthWorkingDayAfterOracle(current, 3);
    expect(extendedDeadline(swedishCalendar, current, later, now)).toEqual({
      deadlineDate: later,
      deadline: endOfDayOracle(later),
    });
    let weekendOrHoliday = calendarDaysAfter(current, 1);
    while (isWorkingDayOracle(weekendOrHoliday)) weekendOrHoliday = calendarDaysAfter(weekendOrHoliday, 1);
    expect(extendedDeadline(swedishCalendar, current, weekendOrHoliday, now)).toEqual({ problem: 'NOT_A_WORKING_DAY' });
    expect(extendedDeadline(swedishCalendar, current, current, now)).toEqual({
      problem: 'NOT_AFTER_CURRENT_DEADLINE',
    });
    // An overdue request's deadline is in the past: a date before today is past, whatever else it is.
    const pastDeadline = calendarDaysAfter(today, -10);
    expect(extendedDeadline(swedishCalendar, pastDeadline, calendarDaysAfter(today, -1), now)).toEqual({
      problem: 'IN_THE_PAST',
    });
    const noSuchDay = nonexistentDateAfter(today);
    expect(extendedDeadline(swedishCalendar, current, noSuchDay, now)).toEqual({ problem: 'NOT_A_WORKING_DAY' });
    // A year is the most support may give: a working day some 420 days ahead is too far.
    expect(extendedDeadline(swedishCalendar, current, nthWorkingDayAfterOracle(today, 300), now)).toEqual({
      problem: 'TOO_FAR_AHEAD',
    });
    expect(extendedDeadline(swedishCalendar, current, 'next week', now)).toEqual({ problem: 'NOT_A_WORKING_DAY' });
    expect(invalidDeadline(inStatus('OVERDUE'), 'IN_THE_PAST')).toEqual({
      code: 'INVALID_DEADLINE',
      action: 'extend',
      status: 'OVERDUE',
      response: 'YES',
      deadlineProblem: 'IN_THE_PAST',
    });
  });

  test("an extension needs the YES's deadline, and takes an OVERDUE request back to AWAITING_ASSIGNMENT", () => {
    const request = new LicenseRequest('r', ['a']);
    request.answer({ response: 'YES' }, '2027-06-04T10:00:00.000Z');
    expect(request.refusalFor('extend', admin)?.code).toBe('NOT_YET_ANSWERED');
    request.setDeadline({ deadlineDate: '2027-06-11', deadline: DEADLINE });
    expect(request.refusalFor('extend', admin)).toBeUndefined();
    request.markOverdue('2027-06-11T22:00:00.000Z');
    const later = { deadlineDate: '2027-06-16', deadline: '2027-06-16T23:59:59.999+02:00' };
    expect(request.extendDeadline(later)).toBe(DEADLINE);
    expect(request.snapshot()).toMatchObject({ status: 'AWAITING_ASSIGNMENT', ...later, finishedAt: null });
  });

  test('a reopening: only a recorded NO, within its window; then as new, every school PENDING', () => {
    const request = new LicenseRequest('r', ['a', 'b']);
    const declinedAt = now.toISOString();
    expect(request.reopenRefusal(admin, now)?.code).toBe('NOT_DECLINED');
    request.answer({ response: 'NO' }, declinedAt);
    // The NO is not recorded yet: nobody can see it, nor reopen it.
    expect(request.reopenRefusal(admin, now)?.code).toBe('NOT_DECLINED');
    const until = new Date(now.getTime() + 30 * 86_400_000);
    request.allowReopeningUntil(until.toISOString());
    expect(request.reopenRefusal({ role: 'partner', partnerId: 'p' }, now)?.code).toBe('WRONG_ROLE');
    expect(request.reopenRefusal(admin, new Date(until.getTime() - 1))).toBeUndefined();
    expect(request.reopenRefusal(admin, until)).toMatchObject({ code: 'REOPEN_WINDOW_CLOSED', status: 'DECLINED' });

    expect(request.reopen()).toEqual(['a', 'b']);
    expect(request.snapshot()).toEqual({
      requestId: 'r',
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      answeredAt: null,
      deadline: null,
      deadlineDate: null,
      finishedAt: null,
      schools: { a: 'PENDING', b: 'PENDING' },
    });
    // A second reopening, racing the first, is refused: the request is no longer DECLINED.
    expect(request.reopenRefusal(admin, now)?.code).toBe('NOT_DECLINED');
  });
});

test('the rulebook imports only types: the workflow bundles it, and luxon and the holiday rules stay out of the sandbox', () => {
  const source = fs.readFileSync(path.join(__dirname, 'license-request.ts'), 'utf8');
  const imports = source.match(/^import[^;]*;/gm) ?? [];
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((statement) => !statement.startsWith('import type '))).toEqual([]);
});

/**
 * The license request's rulebook (docs/process.md): its statuses, which action each role may take
 * in each status and, if not, why (a refusal code), the assignment deadline and the working days
 * left, and the request's state with its transitions (`LicenseRequest`, which the workflow's
 * handlers and validators delegate to). The API maps the refusal codes to HTTP answers
 * (services/errors.ts), the portal to sentences (portal/refusals.ts); nobody else decides these rules.
 *
 * Pure, and imports only types: the workflow bundles this file into Temporal's sandbox. What needs
 * the holiday rules or luxon (which days are working days, the end of a day in Stockholm) comes in
 * as a `WorkingDayCalendar` from those who may use one: the calendar activity, the API, the portal,
 * the mail. The workflow never calls the deadline functions; it gets the deadline from an activity.
 */
import type { IsoDate, WorkingDayCalendar } from './working-days';

// --- Statuses --------------------------------------------------------------------------------

export const STATUSES = [
  'AWAITING_ANSWER',
  'AWAITING_ASSIGNMENT',
  'OVERDUE',
  'DECLINED',
  'COMPLETED',
  'WITHDRAWN',
] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses in which nothing can happen any more. */
export const FINISHED_STATUSES: readonly Status[] = ['DECLINED', 'COMPLETED', 'WITHDRAWN'];

export function isFinished(status: Status): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** The partner's answer, as the portal shows it. */
export const RESPONSES = ['UNANSWERED', 'YES', 'NO'] as const;
export type PartnerResponse = (typeof RESPONSES)[number];

/** A school's assignment. */
export const ASSIGNMENTS = ['PENDING', 'ASSIGNED', 'NOT_LICENSED'] as const;
export type Assignment = (typeof ASSIGNMENTS)[number];

/** Occasions on which mail goes out (docs/process.md, "E-mail"). */
export const MAIL_OCCASIONS = [
  'CREATED',
  'UNANSWERED_REMINDER',
  'UNANSWERED_ESCALATION',
  'ANSWERED_YES',
  'ANSWERED_NO',
  'DEADLINE_NEAR',
  'OVERDUE',
  'COMPLETED',
  'WITHDRAWN',
  /** Support extended the deadline: the partner's mail (new date, working days left, the reason). */
  'DEADLINE_EXTENDED',
  /** The same extension, told to the organisation's contacts. */
  'DEADLINE_EXTENDED_CONTACTS',
  /** Support reopened a NO: the partner's mail, as for a new request, with the reason. */
  'REOPENED',
  // The partner's webhook endpoint answered 410 Gone to an event of this request and was disabled.
  'WEBHOOK_DISABLED',
] as const;
export type MailOccasion = (typeof MAIL_OCCASIONS)[number];

/**
 * The statuses in which a reminder still applies: the workflow and the mail activity both drop a
 * reminder whose request has moved on, and the history says so.
 */
export const REMINDER_APPLIES_WHILE: Partial<Record<MailOccasion, readonly Status[]>> = {
  UNANSWERED_REMINDER: ['AWAITING_ANSWER'],
  UNANSWERED_ESCALATION: ['AWAITING_ANSWER'],
  DEADLINE_NEAR: ['AWAITING_ASSIGNMENT'],
  OVERDUE: ['OVERDUE'],
};

/**
 * The partner's notification for each open status, which support may have sent again: the request
 * mail while it waits for an answer (REOPENED after a reopening), the deadline reminder after a YES.
 */
export const NOTIFICATION_FOR: Partial<Record<Status, MailOccasion>> = {
  AWAITING_ANSWER: 'CREATED',
  AWAITING_ASSIGNMENT: 'DEADLINE_NEAR',
  OVERDUE: 'OVERDUE',
};

// --- Who does what -----------------------------------------------------------------------------

export type Role = 'admin' | 'partner';

/**
 * Who did something, recorded in the history: the platform, or a partner, through its API key
 * (no `user`), a person signed in to the portal (`user`: their e-mail address), or the YES/NO link
 * of a mail (`via: 'mail-link'`, `to`: the address that mail went to).
 */
export type Actor =
  | { role: 'admin' }
  | { role: 'partner'; partnerId: string; user?: string }
  | { role: 'partner'; partnerId: string; user?: never; via: 'mail-link'; to: string };

export const ACTIONS = ['answer', 'assign', 'withdraw', 'extend', 'reopen', 'resend'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * The one role that takes each action: the partner answers and assigns; the platform withdraws, and
 * its support handles the exceptions (extends a deadline, reopens a NO, resends a notification).
 */
export const ROLE_FOR: Readonly<Record<Action, Role>> = {
  answer: 'partner',
  assign: 'partner',
  withdraw: 'admin',
  extend: 'admin',
  reopen: 'admin',
  resend: 'admin',
};

/** A new request, as the platform's administrator sends it: the workflow's input. */
export interface LicenseRequestInput {
  requestId: string;
  partnerId: string;
  organisation: { skolonId: string; name: string };
  schools: Array<{ skolonId: string; name: string }>;
  /** `YYYY-MM-DD` or null. */
  desiredAvailability: IsoDate | null;
  contacts: Array<{ name: string; email: string }>;
  /** ISO-8601 instant at which the request was created. */
  createdAt: string;
  /** The create call's Idempotency-Key and a fingerprint of its body, kept with the request. */
  idempotency?: { key: string; fingerprint: string };
  /**
   * A create without a key: the moment after which the request is no longer stored, because its
   * caller has been told 503 by then and may create it anew (a retry without a key cannot find it).
   */
  storeBy?: string;
}

/** The create update's failure when its request was not stored in time (see `storeBy`). */
export const CREATE_ABANDONED = 'CreateAbandoned';

export interface AnswerInput {
  response: 'YES' | 'NO';
  /** With YES: the schools that hold licenses; the others become NOT_LICENSED. Omitted: all. */
  schools?: string[];
  by: Actor;
}

export interface AssignSchoolsInput {
  schools: string[];
  by: Actor;
}

export interface WithdrawInput {
  by: Actor;
}

/** Support extends the assignment deadline to the end of `date` (a working day after the current deadline date). */
export interface ExtendDeadlineInput {
  date: IsoDate;
  reason: string;
  by: Actor;
}

/** Support reopens a DECLINED request (a NO given by mistake), within the reopen window. */
export interface ReopenInput {
  reason: string;
  by: Actor;
}

/** Support sends the partner's notification for the current status again. */
export interface ResendNotificationInput {
  by: Actor;
}

// --- Refusals ------------------------------------------------------------------------------------

/**
 * Why an action is refused. The first group is about the request's status (the API answers 409),
 * the second about what the call names (400, except SCHOOL_NOT_LICENSED: 409), WRONG_ROLE about
 * who asks (403).
 */
export const REFUSAL_CODES = [
  /** A second answer: the request is answered (YES or NO) already. */
  'ALREADY_ANSWERED',
  /** Assignments before the partner's YES (and its deadline) is in. */
  'NOT_YET_ANSWERED',
  /** DECLINED or COMPLETED: nothing more can happen. */
  'FINISHED',
  /** The organisation withdrew the request: nothing more can happen. */
  'WITHDRAWN',
  /** A NO names no schools. */
  'NO_WITH_SCHOOLS',
  /** An empty list of schools (a YES for none is a NO; an assignment of none is nothing). */
  'NO_SCHOOLS_NAMED',
  /** Schools that are not in the request. */
  'UNKNOWN_SCHOOLS',
  /** The same school twice in one answer. */
  'SCHOOL_NAMED_TWICE',
  /** Schools answered as holding no licenses cannot be assigned. */
  'SCHOOL_NOT_LICENSED',
  /** The action is the other role's. */
  'WRONG_ROLE',
  /** Only a DECLINED request can be reopened. */
  'NOT_DECLINED',
  /** The NO is older than the reopen window (REOPEN_WINDOW_DAYS). */
  'REOPEN_WINDOW_CLOSED',
  /** An extension's date is not a working day, not after the current deadline date, or past (400). */
  'INVALID_DEADLINE',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  action: Action;
  /** The request's status and response when it was refused. */
  status: Status;
  response: PartnerResponse;
  /** The schools at fault, where the code is about some (UNKNOWN_SCHOOLS, SCHOOL_NOT_LICENSED). */
  schools?: string[];
  /** With INVALID_DEADLINE: what is wrong with the date. */
  deadlineProblem?: DeadlineProblem;
}

export const DEADLINE_PROBLEMS = [
  'NOT_A_WORKING_DAY',
  'NOT_AFTER_CURRENT_DEADLINE',
  'IN_THE_PAST',
  'TOO_FAR_AHEAD',
] as const;
export type DeadlineProblem = (typeof DEADLINE_PROBLEMS)[number];

export function isRefusal(value: unknown): value is Refusal {
  const r = value as Partial<Refusal> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    REFUSAL_CODES.includes(r.code as RefusalCode) &&
    ACTIONS.includes(r.action as Action) &&
    STATUSES.includes(r.status as Status) &&
    RESPONSES.includes(r.response as PartnerResponse) &&
    (r.schools === undefined || (Array.isArray(r.schools) && r.schools.every((s) => typeof s === 'string'))) &&
    (r.deadlineProblem === undefined || DEADLINE_PROBLEMS.includes(r.deadlineProblem))
  );
}

/**
 * The rulebook: in each status, each action is allowed (null) or refused with a code. Statuses only
 * move forward (AWAITING_ANSWER → AWAITING_ASSIGNMENT → OVERDUE → …), see FINAL_REFUSALS.
 */
// prettier-ignore
export const RULES: Readonly<Record<Status, Readonly<Record<Action, RefusalCode | null>>>> = {
  AWAITING_ANSWER:     { answer: null,               assign: 'NOT_YET_ANSWERED', withdraw: null,        extend: 'NOT_YET_ANSWERED', reopen: 'NOT_DECLINED', resend: null },
  AWAITING_ASSIGNMENT: { answer: 'ALREADY_ANSWERED', assign: null,               withdraw: null,        extend: null,               reopen: 'NOT_DECLINED', resend: null },
  OVERDUE:             { answer: 'ALREADY_ANSWERED', assign: null,               withdraw: null,        extend: null,               reopen: 'NOT_DECLINED', resend: null },
  DECLINED:            { answer: 'ALREADY_ANSWERED', assign: 'FINISHED',         withdraw: 'FINISHED',  extend: 'FINISHED',         reopen: null,           resend: 'FINISHED' },
  COMPLETED:           { answer: 'ALREADY_ANSWERED', assign: 'FINISHED',         withdraw: 'FINISHED',  extend: 'FINISHED',         reopen: 'NOT_DECLINED', resend: 'FINISHED' },
  WITHDRAWN:           { answer: 'WITHDRAWN',        assign: 'WITHDRAWN',        withdraw: 'WITHDRAWN', extend: 'WITHDRAWN',        reopen: 'WITHDRAWN',    resend: 'WITHDRAWN' },
};

/**
 * Refusals that no later status lifts: a request that the read model shows refusing an action this
 * way refuses it in its workflow too, however far the workflow has moved on since. (NOT_YET_ANSWERED
 * is not one: the YES may be in the workflow and not yet in the read model.)
 */
const FINAL_REFUSALS: readonly RefusalCode[] = ['ALREADY_ANSWERED', 'FINISHED', 'WITHDRAWN'];

export function isFinal(refusal: Refusal): boolean {
  return FINAL_REFUSALS.includes(refusal.code);
}

/** What the rules need to know of a request; the read model's view and the workflow's state both have it. */
export interface RequestFacts {
  status: Status;
  response: PartnerResponse;
  /** The assignment deadline, set with a YES; null before it (and when a YES came after a withdrawal). */
  deadline: string | null;
  /** Each school's assignment. Without it, the checks of the schools a call names are left to whoever has it. */
  schools?: Readonly<Record<string, Assignment>>;
}

/** What a call names: the answer's response and schools, or the schools to assign. */
export interface ActionInput {
  response?: 'YES' | 'NO';
  schools?: readonly string[];
}

/** The facts of a request as the read model shows it, with its schools as a list. */
export function factsOf(request: {
  status: Status;
  response: PartnerResponse;
  deadline: string | null;
  schools: ReadonlyArray<{ skolonId: string; assignment: Assignment }>;
}): RequestFacts {
  // No prototype: a school id like "__proto__" is just a key.
  const schools = Object.create(null) as Record<string, Assignment>;
  for (const school of request.schools) schools[school.skolonId] = school.assignment;
  return { status: request.status, response: request.response, deadline: request.deadline, schools };
}

const refusal = (
  request: RequestFacts,
  action: Action,
  code: RefusalCode,
  schools?: string[],
  deadlineProblem?: DeadlineProblem,
): Refusal => ({
  code,
  action,
  status: request.status,
  response: request.response,
  ...(schools && { schools }),
  ...(deadlineProblem && { deadlineProblem }),
});

/** Whether the status (and the role) allow the action at all, whatever the call names. */
export function statusRefusal(request: RequestFacts, action: Action, role: Role): Refusal | undefined {
  if (role !== ROLE_FOR[action]) return refusal(request, action, 'WRONG_ROLE');
  const code = RULES[request.status][action];
  if (code) return refusal(request, action, code);
  // Assignments, extensions and the deadline reminder's resend start once the YES has its deadline:
  // the workflow works that out just after the YES.
  const needsDeadline =
    action === 'assign' || action === 'extend' || (action === 'resend' && request.response === 'YES');
  if (needsDeadline && request.deadline === null) return refusal(request, action, 'NOT_YET_ANSWERED');
  return undefined;
}

/** Whether what the call names fits the request (checked once the status allows the action). */
export function inputRefusal(request: RequestFacts, action: Action, input: ActionInput): Refusal | undefined {
  const { response, schools } = input;
  if (action === 'answer' && response === 'NO' && schools !== undefined) {
    return refusal(request, action, 'NO_WITH_SCHOOLS');
  }
  if (action === 'withdraw' || schools === undefined) return undefined;
  if (schools.length === 0) return refusal(request, action, 'NO_SCHOOLS_NAMED');
  const known = request.schools;
  if (!known) return undefined;
  const unknown = schools.filter((id) => !Object.hasOwn(known, id));
  if (unknown.length > 0) return refusal(request, action, 'UNKNOWN_SCHOOLS', unknown);
  if (action === 'answer' && new Set(schools).size !== schools.length) {
    return refusal(request, action, 'SCHOOL_NAMED_TWICE');
  }
  const notLicensed = schools.filter((id) => known[id] === 'NOT_LICENSED');
  if (action === 'assign' && notLicensed.length > 0) {
    return refusal(request, action, 'SCHOOL_NOT_LICENSED', notLicensed);
  }
  return undefined;
}

/**
 * Assigning schools that are all assigned already changes nothing and is not an error (a retried
 * call, or one racing the call that completed the request), unless the request was withdrawn.
 */
export function assignmentChangesNothing(request: RequestFacts, schools: readonly string[] | undefined): boolean {
  const known = request.schools;
  return (
    request.status !== 'WITHDRAWN' &&
    known !== undefined &&
    schools !== undefined &&
    schools.length > 0 &&
    schools.every((id) => Object.hasOwn(known, id) && known[id] === 'ASSIGNED')
  );
}

/** May `role` take `action` on the request now, naming `input`? Undefined: yes; else why not. */
export function refusalFor(
  request: RequestFacts,
  action: Action,
  role: Role,
  input: ActionInput = {},
): Refusal | undefined {
  if (action === 'assign' && role === ROLE_FOR.assign && assignmentChangesNothing(request, input.schools)) {
    return undefined;
  }
  return statusRefusal(request, action, role) ?? inputRefusal(request, action, input);
}

// --- The assignment deadline ---------------------------------------------------------------------

export const ASSIGNMENT_WORKING_DAYS = 5;

export interface AssignmentDeadline {
  /** The deadline date in Europe/Stockholm. */
  deadlineDate: IsoDate;
  /** The end of that date, ISO-8601 with the Stockholm offset. */
  deadline: string;
}

/**
 * The deadline for a YES given at `answeredAt`: the end of the 5th working day strictly after the
 * answer's local date, or of the desired availability date if that is earlier, but never before
 * the answer's own date.
 */
export function assignmentDeadline(
  calendar: WorkingDayCalendar,
  answeredAt: Date,
  desiredAvailability?: IsoDate | null,
): AssignmentDeadline {
  const answerDate = calendar.dateOf(answeredAt);
  let deadlineDate = calendar.nthWorkingDayAfter(answerDate, ASSIGNMENT_WORKING_DAYS);
  if (desiredAvailability && desiredAvailability < deadlineDate) deadlineDate = desiredAvailability;
  if (deadlineDate < answerDate) deadlineDate = answerDate;
  return { deadlineDate, deadline: calendar.endOfDay(deadlineDate) };
}

/** The deadline is the last millisecond of its day: it has passed one millisecond later. */
export function deadlinePassedAt(deadline: string): string {
  return new Date(Date.parse(deadline) + 1).toISOString();
}

export function deadlineHasPassed(deadline: string, now: Date): boolean {
  return now.getTime() >= Date.parse(deadlinePassedAt(deadline));
}

/** Working days after today up to and including the deadline date (0: the deadline is today). */
export function workingDaysLeft(calendar: WorkingDayCalendar, deadline: string, now: Date): number {
  return calendar.workingDaysBetween(calendar.dateOf(now), calendar.dateOf(new Date(deadline)));
}

/**
 * Support's new deadline: the end of `date`, which must be a working day, later than the current
 * deadline date and not before today (Stockholm); else what is wrong with it. Checked in this order,
 * so a past date is IN_THE_PAST whatever else it is.
 */
/**
 * How far ahead support may move a deadline: a year is more than any renewal needs, and the
 * workflow arms timers for the new deadline (one centuries ahead, 9999-12-30 is a working day,
 * stalls the request's workflow).
 */
export const MAX_EXTENSION_DAYS = 366;

export function extendedDeadline(
  calendar: WorkingDayCalendar,
  currentDeadlineDate: IsoDate,
  date: IsoDate,
  now: Date,
): AssignmentDeadline | { problem: DeadlineProblem } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { problem: 'NOT_A_WORKING_DAY' };
  if (date < calendar.dateOf(now)) return { problem: 'IN_THE_PAST' };
  if (date <= currentDeadlineDate) return { problem: 'NOT_AFTER_CURRENT_DEADLINE' };
  if (date > calendar.dateOf(new Date(now.getTime() + MAX_EXTENSION_DAYS * 86_400_000))) {
    return { problem: 'TOO_FAR_AHEAD' };
  }
  let workingDay: boolean;
  try {
    workingDay = calendar.isWorkingDay(date);
  } catch {
    workingDay = false; // not a real date (2027-02-30)
  }
  if (!workingDay) return { problem: 'NOT_A_WORKING_DAY' };
  return { deadlineDate: date, deadline: calendar.endOfDay(date) };
}

/** The refusal of an extension to a date that `extendedDeadline` found wrong (the API answers 400). */
export function invalidDeadline(request: RequestFacts, problem: DeadlineProblem): Refusal {
  return refusal(request, 'extend', 'INVALID_DEADLINE', undefined, problem);
}

/** How many days after a NO support may reopen it, unless the worker's REOPEN_WINDOW_DAYS says otherwise. */
export const DEFAULT_REOPEN_WINDOW_DAYS = 30;

/** Where a request stands with its deadline, for the people who read about it. */
export interface DeadlineStanding {
  deadline: string;
  deadlineDate: IsoDate;
  /** Still to be met (AWAITING_ASSIGNMENT or OVERDUE). */
  open: boolean;
  /** Open, and OVERDUE or past the deadline (the workflow may not have marked it yet). */
  overdue: boolean;
  /** Working days after today up to the deadline date (0: the deadline is today); when open and not overdue. */
  workingDaysLeft?: number;
  /** Working days since the deadline date, when overdue. */
  workingDaysOverdue?: number;
}

export function deadlineStanding(
  calendar: WorkingDayCalendar,
  request: { status: Status; deadline: string | null },
  now: Date,
): DeadlineStanding | undefined {
  if (!request.deadline) return undefined;
  const deadlineDate = calendar.dateOf(new Date(request.deadline));
  const open = request.status === 'AWAITING_ASSIGNMENT' || request.status === 'OVERDUE';
  const overdue = open && (request.status === 'OVERDUE' || deadlineHasPassed(request.deadline, now));
  return {
    deadline: request.deadline,
    deadlineDate,
    open,
    overdue,
    ...(open && !overdue && { workingDaysLeft: workingDaysLeft(calendar, request.deadline, now) }),
    ...(overdue && { workingDaysOverdue: calendar.workingDaysBetween(deadlineDate, calendar.dateOf(now)) }),
  };
}

/** The deadline a YES given now would get, and whether the desired date makes it earlier than five working days. */
export function deadlineIfAnsweredNow(
  calendar: WorkingDayCalendar,
  desiredAvailability: IsoDate | null,
  now: Date,
): { deadlineDate: IsoDate; desiredIsEarlier: boolean } {
  const { deadlineDate } = assignmentDeadline(calendar, now, desiredAvailability);
  const fiveDays = calendar.nthWorkingDayAfter(calendar.dateOf(now), ASSIGNMENT_WORKING_DAYS);
  return { deadlineDate, desiredIsEarlier: deadlineDate < fiveDays };
}

// --- The request's state and its transitions -------------------------------------------------------

/** The workflow's view of a request, as the `status` query returns it. */
export interface LicenseRequestState {
  requestId: string;
  status: Status;
  response: PartnerResponse;
  answeredAt: string | null;
  deadline: string | null;
  deadlineDate: string | null;
  finishedAt: string | null;
  schools: Record<string, Assignment>;
}

/**
 * What an update answers: the request's status after it, without the per-school map (Temporal keeps
 * every update's result in the history, so a request with 1,000 schools assigned one call at a time
 * would otherwise store 1,000 copies of the map). The API reads schools from the read model.
 */
export type LicenseRequestOutcome = Omit<LicenseRequestState, 'schools'> & {
  /** Licensed schools that still wait for their licenses. */
  pendingSchools: number;
};

/**
 * A request's state, changed only through its transitions. Each method assumes the rulebook allowed
 * it (`refusalFor`, which the workflow's validators ask first). Times come from the caller (the
 * workflow's clock), so the same calls give the same state on every replay.
 */
export class LicenseRequest implements RequestFacts {
  status: Status = 'AWAITING_ANSWER';
  response: PartnerResponse = 'UNANSWERED';
  answeredAt: string | null = null;
  deadline: string | null = null;
  deadlineDate: IsoDate | null = null;
  finishedAt: string | null = null;
  /**
   * After a NO: until when support may reopen it (set once the NO is recorded, from the reopen
   * window that the worker's configuration gives); null otherwise.
   */
  reopenableUntil: string | null = null;
  /** No prototype: a school id like "constructor" or "__proto__" is just another key. */
  readonly schools: Record<string, Assignment> = Object.create(null) as Record<string, Assignment>;

  constructor(
    readonly requestId: string,
    schoolIds: readonly string[],
  ) {
    for (const id of schoolIds) this.schools[id] = 'PENDING';
  }

  refusalFor(action: Action, by: Actor, input?: ActionInput): Refusal | undefined {
    return refusalFor(this, action, by.role, input);
  }

  get finished(): boolean {
    return isFinished(this.status);
  }

  /** Licensed schools still waiting for their licenses. */
  pendingSchools(): string[] {
    return Object.keys(this.schools).filter((id) => this.schools[id] === 'PENDING');
  }

  /**
   * The partner's answer. A NO declines the request; a YES licenses the schools it names (all when
   * it names none) and waits for its deadline (`setDeadline`). Returns the licensed schools and the
   * schools that became NOT_LICENSED.
   */
  answer(input: { response: 'YES' | 'NO'; schools?: readonly string[] }, at: string) {
    this.response = input.response;
    this.answeredAt = at;
    const all = Object.keys(this.schools);
    const licensed = input.response === 'NO' ? [] : [...new Set(input.schools ?? all)];
    const isLicensed = new Set(licensed);
    const notLicensed = all.filter((id) => !isLicensed.has(id));
    for (const id of notLicensed) this.schools[id] = 'NOT_LICENSED';
    if (input.response === 'NO') this.moveTo('DECLINED', at);
    else this.moveTo('AWAITING_ASSIGNMENT', at);
    return { licensed, notLicensed };
  }

  /** The deadline of the YES. False (and no deadline) when the request was withdrawn meanwhile. */
  setDeadline(deadline: AssignmentDeadline): boolean {
    if (this.status === 'WITHDRAWN') return false;
    this.deadline = deadline.deadline;
    this.deadlineDate = deadline.deadlineDate;
    return true;
  }

  /** When the deadline has passed, or null without one. */
  deadlinePassedAt(): string | null {
    return this.deadline ? deadlinePassedAt(this.deadline) : null;
  }

  /** Marks schools assigned; the request is COMPLETED when no licensed school is left. Returns the newly assigned. */
  assign(schools: readonly string[], at: string): { assigned: string[]; completed: boolean } {
    const assigned = [...new Set(schools)].filter((id) => this.schools[id] === 'PENDING');
    for (const id of assigned) this.schools[id] = 'ASSIGNED';
    const completed = assigned.length > 0 && this.pendingSchools().length === 0;
    if (completed) this.moveTo('COMPLETED', at);
    return { assigned, completed };
  }

  /**
   * Support's new deadline (see `extendedDeadline`): an OVERDUE request waits for its assignments
   * again. Returns the deadline it replaces.
   */
  extendDeadline(deadline: AssignmentDeadline): string | null {
    const from = this.deadline;
    this.deadline = deadline.deadline;
    this.deadlineDate = deadline.deadlineDate;
    if (this.status === 'OVERDUE') this.status = 'AWAITING_ASSIGNMENT';
    return from;
  }

  /** The NO is recorded: support may reopen it until `until`. */
  allowReopeningUntil(until: string): void {
    this.reopenableUntil = until;
  }

  /**
   * May support reopen the request now? The rulebook, then the window: a NO not yet recorded (its
   * window not yet known) cannot be reopened yet, as the read model does not show it either.
   */
  reopenRefusal(by: Actor, now: Date): Refusal | undefined {
    const refused = this.refusalFor('reopen', by);
    if (refused) return refused;
    if (this.reopenableUntil === null) return refusal(this, 'reopen', 'NOT_DECLINED');
    if (now.getTime() >= Date.parse(this.reopenableUntil)) return refusal(this, 'reopen', 'REOPEN_WINDOW_CLOSED');
    return undefined;
  }

  /**
   * A NO given by mistake, undone: the request waits for an answer again, as new, every school
   * PENDING. Returns the schools whose assignment changed.
   */
  reopen(): string[] {
    this.status = 'AWAITING_ANSWER';
    this.response = 'UNANSWERED';
    this.answeredAt = null;
    this.deadline = null;
    this.deadlineDate = null;
    this.finishedAt = null;
    this.reopenableUntil = null;
    const changed = Object.keys(this.schools).filter((id) => this.schools[id] !== 'PENDING');
    for (const id of changed) this.schools[id] = 'PENDING';
    return changed;
  }

  withdraw(at: string): void {
    this.moveTo('WITHDRAWN', at);
  }

  /** The deadline passed with licensed schools still waiting. */
  markOverdue(at: string): void {
    this.moveTo('OVERDUE', at);
  }

  snapshot(): LicenseRequestState {
    const { requestId, status, response, answeredAt, deadline, deadlineDate, finishedAt } = this;
    return {
      requestId,
      status,
      response,
      answeredAt,
      deadline,
      deadlineDate,
      finishedAt,
      schools: { ...this.schools },
    };
  }

  outcome(): LicenseRequestOutcome {
    const { schools: _schools, ...rest } = this.snapshot();
    return { ...rest, pendingSchools: this.pendingSchools().length };
  }

  private moveTo(status: Status, at: string): void {
    this.status = status;
    if (isFinished(status)) this.finishedAt = at;
  }
}

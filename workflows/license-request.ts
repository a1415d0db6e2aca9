/**
 * licenseRequestWorkflow: one license request from creation to a finished status, as in
 * shared/contract.md ("The process"). Deterministic code only: time comes from the workflow clock,
 * the deadline from the calendar activity, everything else that touches the world from activities.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, HistoryEventRecord } from '../activities';
import {
  ACTIVITY_TIMEOUTS,
  answerUpdate,
  assignSchoolsUpdate,
  FailureTypes,
  FINISHED_STATUSES,
  statusQuery,
  SearchAttributes,
  withdrawUpdate,
  type AnswerInput,
  type AssignSchoolsInput,
  type Assignment,
  type LicenseRequestInput,
  type LicenseRequestState,
  type MailOccasion,
  type Status,
  type WithdrawInput,
  PATCHES,
  REQUEST_NOT_FOUND,
} from './definitions';
import { isPatched } from './patches';

/** Database writes: quick, retried until the database is back. */
const { recordTransition, computeDeadline, planUnansweredReminders, overdueReminderAt } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.database.startToCloseMs,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Mail: SMTP can be slow or down for a while; retried until it is delivered or refused for good. */
const { sendRequestMail } = proxyActivities<Activities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.mail.startToCloseMs,
  heartbeatTimeout: ACTIVITY_TIMEOUTS.mail.heartbeatMs,
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['PermanentMailFailure'],
  },
});

function invalidTransition(status: Status, what: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `The request is ${status}: it cannot be ${what} now.`,
    FailureTypes.INVALID_TRANSITION,
  );
}

function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureTypes.INVALID_INPUT);
}

export async function licenseRequestWorkflow(input: LicenseRequestInput): Promise<LicenseRequestState> {
  const state: LicenseRequestState = {
    requestId: input.requestId,
    status: 'AWAITING_ANSWER',
    response: 'UNANSWERED',
    answeredAt: null,
    deadline: null,
    deadlineDate: null,
    finishedAt: null,
    // No prototype: a school id like "constructor" or "__proto__" is just another key.
    schools: Object.assign(
      Object.create(null) as Record<string, Assignment>,
      Object.fromEntries(input.schoolIds.map((id): [string, Assignment] => [id, 'PENDING'])),
    ),
  };
  const snapshot = (): LicenseRequestState => ({ ...state, schools: { ...state.schools } });
  const now = () => new Date().toISOString();
  const isFinished = () => FINISHED_STATUSES.includes(state.status);
  const pendingSchools = () => Object.keys(state.schools).filter((id) => state.schools[id] === 'PENDING');

  // --- Persistence: one ordered stream of versioned writes to the read model -------------------
  // Writes run one after another, each carrying the state as it is when it runs and the schools
  // changed since the previous write, so that concurrent updates can never overwrite a newer
  // state with an older one, and every retry of a write is harmless (see activities/persistence).
  let version = 0;
  let changedSchools = new Set<string>();
  let writes: Promise<void> = Promise.resolve();
  function persist(events: Array<Omit<HistoryEventRecord, 'key'>>): Promise<void> {
    const write = writes.then(async () => {
      version++;
      const schools = [...changedSchools].map((skolonId) => ({ skolonId, assignment: state.schools[skolonId]! }));
      changedSchools = new Set();
      await recordTransition({
        requestId: state.requestId,
        version,
        status: state.status,
        response: state.response,
        answeredAt: state.answeredAt,
        deadline: state.deadline,
        deadlineDate: state.deadlineDate,
        finishedAt: state.finishedAt,
        schools,
        events: events.map((event, i) => ({ ...event, key: `v${version}.${i}` })),
      });
    });
    writes = write.catch(() => undefined);
    return write;
  }

  function setAssignment(skolonId: string, assignment: Assignment) {
    state.schools[skolonId] = assignment;
    changedSchools.add(skolonId);
  }

  function moveTo(status: Status) {
    state.status = status;
    if (FINISHED_STATUSES.includes(status)) state.finishedAt = now();
    const pairs: SearchAttributeUpdatePair[] = [{ key: SearchAttributes.status, value: status }];
    if (state.deadline) pairs.push({ key: SearchAttributes.assignmentDeadline, value: new Date(state.deadline) });
    upsertSearchAttributes(pairs);
    showDetails();
  }

  /**
   * For operators: how many licensed schools still wait for assignment, filterable in the Web UI
   * (e.g. `LicenseRequestStatus="OVERDUE" AND LicenseRequestPendingSchools > 10`). A new command,
   * so only under its patch: workflows that answered before it was deployed replay without it.
   */
  function showPendingSchools() {
    if (state.response !== 'YES' || !isPatched(PATCHES.pendingSchoolsSearchAttribute)) return;
    upsertSearchAttributes([{ key: SearchAttributes.pendingSchools, value: pendingSchools().length }]);
  }

  function showDetails() {
    const lines = [`**Status:** ${state.status}`, `**Response:** ${state.response}`];
    if (input.desiredAvailability) lines.push(`**Desired availability:** ${input.desiredAvailability}`);
    if (state.deadlineDate) lines.push(`**Assignment deadline:** ${state.deadlineDate}`);
    const assigned = Object.values(state.schools).filter((a) => a === 'ASSIGNED').length;
    const licensed = Object.values(state.schools).filter((a) => a !== 'NOT_LICENSED').length;
    if (state.response === 'YES') lines.push(`**Schools assigned:** ${assigned} of ${licensed}`);
    setCurrentDetails(lines.join('\n'));
  }

  /** Set once the answer (and with YES its deadline) is in the read model. */
  let answerRecorded = false;
  /** With YES: when to remind the partner that the deadline is near (null: too close for that). */
  let deadlineNearAt: string | null = null;

  // --- Messages --------------------------------------------------------------------------------
  setHandler(statusQuery, snapshot);

  setHandler(
    answerUpdate,
    async ({ response, schools, by }) => {
      // Everything up to the first await runs before any other message is looked at, so a second
      // answer arriving meanwhile already sees the new status and is rejected by its validator.
      state.response = response;
      state.answeredAt = now();
      if (response === 'NO') {
        for (const id of Object.keys(state.schools)) setAssignment(id, 'NOT_LICENSED');
        moveTo('DECLINED');
        await persist([{ at: state.answeredAt, event: 'ANSWERED', detail: { response, by } }]);
        answerRecorded = true;
        return snapshot();
      }
      const licensed = new Set(schools ?? Object.keys(state.schools));
      for (const id of Object.keys(state.schools)) if (!licensed.has(id)) setAssignment(id, 'NOT_LICENSED');
      moveTo('AWAITING_ASSIGNMENT');
      const answeredAt = state.answeredAt;
      const {
        deadline,
        deadlineDate,
        deadlineNearAt: nearAt,
      } = await computeDeadline({
        answeredAt,
        desiredAvailability: input.desiredAvailability,
      });
      if (state.status === 'WITHDRAWN') {
        // Withdrawn while the deadline was being worked out: the answer stands, no deadline does.
        await persist([
          { at: answeredAt, event: 'ANSWERED', detail: { response, by, licensedSchools: [...licensed] } },
        ]);
        answerRecorded = true;
        return snapshot();
      }
      state.deadline = deadline;
      state.deadlineDate = deadlineDate;
      deadlineNearAt = nearAt;
      upsertSearchAttributes([{ key: SearchAttributes.assignmentDeadline, value: new Date(deadline) }]);
      showPendingSchools();
      showDetails();
      await persist([
        {
          at: answeredAt,
          event: 'ANSWERED',
          detail: {
            response,
            by,
            licensedSchools: [...licensed],
            notLicensedSchools: Object.keys(state.schools).filter((id) => !licensed.has(id)),
          },
        },
        { at: answeredAt, event: 'DEADLINE_SET', detail: { deadline, deadlineDate } },
      ]);
      answerRecorded = true;
      return snapshot();
    },
    {
      validator: ({ response, schools }: AnswerInput) => {
        if (state.status !== 'AWAITING_ANSWER') {
          throw ApplicationFailure.nonRetryable(
            `The request has already been answered or closed (status ${state.status}).`,
            FailureTypes.INVALID_TRANSITION,
          );
        }
        if (response === 'NO' && schools !== undefined) {
          throw invalidInput('A NO answer cannot name schools.');
        }
        if (schools !== undefined) {
          if (schools.length === 0) throw invalidInput('A YES answer must name at least one school, or answer NO.');
          const unknown = schools.filter((id) => !Object.hasOwn(state.schools, id));
          if (unknown.length > 0) throw invalidInput(`Unknown schools in this request: ${unknown.join(', ')}`);
          if (new Set(schools).size !== schools.length) throw invalidInput('A school is named twice.');
        }
      },
    },
  );

  setHandler(
    assignSchoolsUpdate,
    async ({ schools, by }) => {
      const newlyAssigned = schools.filter((id) => state.schools[id] === 'PENDING');
      for (const id of newlyAssigned) setAssignment(id, 'ASSIGNED');
      if (newlyAssigned.length === 0) {
        // A retried call: nothing changes, but answer only once an earlier write of it is readable.
        await writes;
        return snapshot();
      }
      const at = now();
      const events: Array<Omit<HistoryEventRecord, 'key'>> = [
        { at, event: 'SCHOOLS_ASSIGNED', detail: { schools: newlyAssigned, by } },
      ];
      showPendingSchools();
      if (pendingSchools().length === 0) {
        moveTo('COMPLETED');
        events.push({ at, event: 'COMPLETED', detail: {} });
      } else {
        showDetails();
      }
      await persist(events);
      return snapshot();
    },
    {
      validator: ({ schools }: AssignSchoolsInput) => {
        // Schools that are all assigned already: a retry (or a call racing the one that completed
        // the request) changes nothing and is not an error, even once the request is COMPLETED.
        const allAssigned = schools.length > 0 && schools.every((id) => state.schools[id] === 'ASSIGNED');
        if (allAssigned && state.status !== 'WITHDRAWN') return;
        if ((state.status !== 'AWAITING_ASSIGNMENT' && state.status !== 'OVERDUE') || !answerRecorded) {
          throw invalidTransition(state.status, 'assigned');
        }
        if (schools.length === 0) throw invalidInput('Name at least one school to assign.');
        const unknown = schools.filter((id) => !Object.hasOwn(state.schools, id));
        if (unknown.length > 0) throw invalidInput(`Unknown schools in this request: ${unknown.join(', ')}`);
        const notLicensed = schools.filter((id) => state.schools[id] === 'NOT_LICENSED');
        if (notLicensed.length > 0) {
          throw ApplicationFailure.nonRetryable(
            `These schools were answered as holding no licenses and cannot be assigned: ${notLicensed.join(', ')}`,
            FailureTypes.SCHOOL_NOT_LICENSED,
          );
        }
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async ({ by }) => {
      moveTo('WITHDRAWN');
      await persist([{ at: state.finishedAt!, event: 'WITHDRAWN', detail: { by } }]);
      return snapshot();
    },
    {
      validator: (_input: WithdrawInput) => {
        if (isFinished()) throw invalidTransition(state.status, 'withdrawn');
      },
    },
  );

  // --- The process -----------------------------------------------------------------------------
  // Mail goes out one after another in the background: a mail server that is down for a day must
  // not hold up the clock (the deadline, OVERDUE) of the request itself.
  // The mail activity gives up only when the request is not in the database (a create undone after
  // a 503 although Temporal had started the workflow): then there is nobody to mail and nothing to
  // wait for, and the workflow ends at once with that reason instead of waiting for an answer.
  const mailsSent = new Map<MailOccasion, number>();
  let mails: Promise<void> = Promise.resolve();
  let requestMissing: unknown = undefined;
  function mail(occasion: MailOccasion): void {
    const sequence = mailsSent.get(occasion) ?? 0;
    mailsSent.set(occasion, sequence + 1);
    mails = mails
      .then(async () => {
        if (requestMissing) return;
        await writes; // the mail is rendered from the read model: let it catch up first
        await sendRequestMail({ requestId: input.requestId, occasion, sequence });
      })
      // Caught here: a rejection nobody awaits yet would fail the workflow task over and over.
      .catch((error: unknown) => {
        if (
          error instanceof ActivityFailure &&
          (error.cause as ApplicationFailure | undefined)?.type === REQUEST_NOT_FOUND
        ) {
          requestMissing ??= error;
        } else {
          // Any other failure that gave up (none is expected: mail is retried until sent or refused
          // for good, which the activity records itself) costs this one mail, not the request.
          log.error('Mail not sent', { requestId: input.requestId, occasion, sequence, error: String(error) });
        }
      });
  }
  /** Ends the workflow when the request turned out not to exist. */
  const failIfRequestMissing = () => {
    if (!requestMissing) return;
    throw ApplicationFailure.nonRetryable(
      `License request ${input.requestId} is not in the database; there is nobody to notify.`,
      REQUEST_NOT_FOUND,
      requestMissing,
    );
  };

  /** Milliseconds from now until an ISO instant (at least 1: a timer of 0 would not be a timer). */
  const msUntil = (at: string) => Math.max(1, Date.parse(at) - Date.now());
  /**
   * Waits until `left()` or until `at`, whichever comes first; true when the request left the
   * state it was waiting in (so the reminder planned for `at` is not sent).
   */
  const leftBefore = (left: () => boolean, at: string) => condition(left, msUntil(at));

  showDetails();
  mail('CREATED');

  // Waiting for the answer: reminders to the partner, then one escalation to support. The request
  // stays open until it is answered or withdrawn; after the last reminder nothing more is scheduled.
  // Reminders stop the moment an answer is accepted, before it has even been recorded.
  const leftAwaitingAnswer = () => state.status !== 'AWAITING_ANSWER' || Boolean(requestMissing);
  const reminders = await planUnansweredReminders({ createdAt: input.createdAt });
  for (const [i, reminder] of reminders.entries()) {
    // Started late (e.g. after an outage)? Of the reminders already due, only the last one goes out.
    const next = reminders[i + 1];
    if (next && Date.parse(next.at) <= Date.now()) continue;
    if (await leftBefore(leftAwaitingAnswer, reminder.at)) break;
    mail(reminder.occasion);
  }
  await condition(() => answerRecorded || state.status === 'WITHDRAWN' || Boolean(requestMissing));
  failIfRequestMissing();
  if (state.status === 'DECLINED') mail('ANSWERED_NO');

  if (state.status === 'AWAITING_ASSIGNMENT' || state.status === 'COMPLETED') {
    mail('ANSWERED_YES');
    const assignmentEnded = () => state.status !== 'AWAITING_ASSIGNMENT';
    if (deadlineNearAt && !(await leftBefore(assignmentEnded, deadlineNearAt))) mail('DEADLINE_NEAR');
    // The deadline is the last millisecond of its day: it has passed one millisecond later.
    const deadlinePassed = !(await condition(assignmentEnded, msUntil(state.deadline!) + 1));
    if (deadlinePassed) {
      log.info('Assignment deadline passed', { requestId: input.requestId, deadline: state.deadline });
      moveTo('OVERDUE');
      await persist([
        { at: now(), event: 'OVERDUE', detail: { deadline: state.deadline, pendingSchools: pendingSchools() } },
      ]);
      // The partner (and, the first time, support) hears of it the next working morning, then
      // every few working days until every licensed school is assigned or the request withdrawn.
      for (let index = 0; ; index++) {
        const at = await overdueReminderAt({ deadlineDate: state.deadlineDate!, index });
        if (await leftBefore(isFinished, at)) break;
        mail('OVERDUE');
      }
    }
    if (state.status === 'COMPLETED') mail('COMPLETED');
  }

  if (state.status === 'WITHDRAWN') mail('WITHDRAWN');

  await condition(allHandlersFinished);
  await writes;
  await mails;
  failIfRequestMissing();
  return snapshot();
}

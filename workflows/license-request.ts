/**
 * licenseRequestWorkflow: one license request from creation to a finished status, as in
 * docs/process.md. Deterministic code only: time comes from the workflow clock,
 * the deadline from the calendar activity, everything else that touches the world from activities.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, HistoryEventRecord } from '../activities';
import type { PlannedReminder, ReminderSkipReason } from '../domain/reminders';
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
  type LicenseRequestOutcome,
  type LicenseRequestState,
  type MailOccasion,
  type Status,
  type WithdrawInput,
  REMINDER_APPLIES_WHILE,
  REQUEST_NOT_FOUND,
} from './definitions';

/**
 * Read-model writes and calendar decisions: quick, idempotent, retried until the database is back.
 * Local activities: they run in the worker next to the workflow task, and their results are still
 * recorded in the history (a marker each), without a round trip through the server's task queues
 * and with far fewer history events (which keeps a request of 1,000 schools within Temporal's limits).
 */
const { recordTransition, computeDeadline, planUnansweredReminders, planOverdueReminders } =
  proxyLocalActivities<Activities>({
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

export async function licenseRequestWorkflow(input: LicenseRequestInput): Promise<LicenseRequestOutcome> {
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
  /** What updates answer: small, whatever the number of schools (see LicenseRequestOutcome). */
  const outcome = (): LicenseRequestOutcome => {
    const { schools: _schools, ...rest } = state;
    return { ...rest, pendingSchools: pendingSchools().length };
  };

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
  }

  /**
   * The search attributes operators filter on (and the Web UI details), once per transition: each
   * upsert is a command and an event in the history. LicenseRequestPendingSchools counts the
   * licensed schools that still wait, from the answer on (e.g. `LicenseRequestStatus="OVERDUE" AND
   * LicenseRequestPendingSchools > 10`).
   */
  function publish() {
    const pairs: SearchAttributeUpdatePair[] = [{ key: SearchAttributes.status, value: state.status }];
    if (state.deadline) pairs.push({ key: SearchAttributes.assignmentDeadline, value: new Date(state.deadline) });
    if (state.response === 'YES') pairs.push({ key: SearchAttributes.pendingSchools, value: pendingSchools().length });
    upsertSearchAttributes(pairs);
    showDetails();
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
  /** With YES: the reminder that the deadline is near (null: too close for that). */
  let deadlineNear: PlannedReminder | null = null;

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
        publish();
        await persist([{ at: state.answeredAt, event: 'ANSWERED', detail: { response, by } }]);
        answerRecorded = true;
        return outcome();
      }
      const licensed = new Set(schools ?? Object.keys(state.schools));
      for (const id of Object.keys(state.schools)) if (!licensed.has(id)) setAssignment(id, 'NOT_LICENSED');
      moveTo('AWAITING_ASSIGNMENT');
      const answeredAt = state.answeredAt;
      const plan = await computeDeadline({ answeredAt, desiredAvailability: input.desiredAvailability });
      const answered: Omit<HistoryEventRecord, 'key'> = {
        at: answeredAt,
        event: 'ANSWERED',
        detail: {
          response,
          by,
          licensedSchools: [...licensed],
          notLicensedSchools: Object.keys(state.schools).filter((id) => !licensed.has(id)),
        },
      };
      if (state.status === 'WITHDRAWN') {
        // Withdrawn while the deadline was being worked out: the answer stands, no deadline does.
        await persist([answered]);
        answerRecorded = true;
        return outcome();
      }
      state.deadline = plan.deadline;
      state.deadlineDate = plan.deadlineDate;
      deadlineNear = plan.deadlineNear;
      publish();
      await persist([
        answered,
        { at: answeredAt, event: 'DEADLINE_SET', detail: { deadline: plan.deadline, deadlineDate: plan.deadlineDate } },
      ]);
      answerRecorded = true;
      return outcome();
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
        return outcome();
      }
      const at = now();
      const events: Array<Omit<HistoryEventRecord, 'key'>> = [
        { at, event: 'SCHOOLS_ASSIGNED', detail: { schools: newlyAssigned, by } },
      ];
      if (pendingSchools().length === 0) {
        moveTo('COMPLETED');
        events.push({ at, event: 'COMPLETED', detail: {} });
      }
      publish();
      await persist(events);
      return outcome();
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
      publish();
      await persist([{ at: state.finishedAt!, event: 'WITHDRAWN', detail: { by } }]);
      return outcome();
    },
    {
      validator: (_input: WithdrawInput) => {
        if (isFinished()) throw invalidTransition(state.status, 'withdrawn');
      },
    },
  );

  // --- Mail ------------------------------------------------------------------------------------
  // Mail goes out one after another in the background: a mail server that is down for a day must
  // not hold up the clock (the deadline, OVERDUE) of the request itself.
  // The mail activity gives up only when the request is not in the database (a create undone after
  // a 503 although Temporal had started the workflow): then there is nobody to mail and nothing to
  // wait for, and the workflow ends at once with that reason instead of waiting for an answer.
  let mails: Promise<void> = Promise.resolve();
  let requestMissing: unknown = undefined;
  /** Support has had an overdue mail (it gets the first one sent, even if the first planned was skipped). */
  let supportToldOverdue = false;

  /** Records in the history why a reminder whose moment came did not go out. */
  const skipReminder = (reminder: PlannedReminder, reason: ReminderSkipReason) => {
    log.info('Reminder skipped', { requestId: input.requestId, occasion: reminder.occasion, reason });
    return persist([
      {
        at: now(),
        event: 'REMINDER_SKIPPED',
        detail: { occasion: reminder.occasion, sequence: reminder.sequence, plannedAt: reminder.at, reason },
      },
    ]);
  };

  /** Queues a mail; a reminder is checked again when its turn comes (the queue may have waited). */
  function mail(occasion: MailOccasion, reminder?: PlannedReminder): void {
    mails = mails
      .then(async () => {
        if (requestMissing) return;
        if (reminder) {
          // The request moved on, or a later reminder of the kind (or the deadline) came meanwhile.
          if (reminder.expiresAt && Date.now() >= Date.parse(reminder.expiresAt))
            return skipReminder(reminder, reminder.expiresBecause ?? 'LATER_REMINDER_DUE');
          const appliesWhile = REMINDER_APPLIES_WHILE[occasion];
          if (appliesWhile && !appliesWhile.includes(state.status)) return skipReminder(reminder, 'NO_LONGER_APPLIES');
        }
        const alsoToSupport = occasion === 'OVERDUE' && (reminder?.alsoToSupport === true || !supportToldOverdue);
        await writes; // the mail is rendered from the read model: let it catch up first
        const result = await sendRequestMail({
          requestId: input.requestId,
          occasion,
          sequence: reminder?.sequence ?? 0,
          ...(reminder && { expiresAt: reminder.expiresAt, expiresBecause: reminder.expiresBecause }),
          ...(alsoToSupport && { alsoToSupport }),
        });
        if (alsoToSupport && result !== 'SKIPPED') supportToldOverdue = true;
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
          log.error('Mail not sent', { requestId: input.requestId, occasion, error: String(error) });
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

  // --- Timers ----------------------------------------------------------------------------------
  /**
   * Waits while `waiting()` holds until `at`; true when the request stopped waiting first. A moment
   * already past (the workers or the cluster were down) needs no timer: its turn is now.
   */
  async function stoppedWaitingBefore(waiting: () => boolean, at: string): Promise<boolean> {
    const ms = Date.parse(at) - Date.now();
    if (ms > 0) return condition(() => !waiting(), ms);
    return !waiting();
  }

  /**
   * Sends each planned reminder at its moment while the request waits. After an outage several
   * moments may have passed at once: each reminder expires when the next of its kind is due (or at
   * the deadline), so only the latest of each kind goes out and the others are recorded as skipped.
   */
  async function remindWhile(waiting: () => boolean, plan: PlannedReminder[]): Promise<void> {
    for (const [index, reminder] of plan.entries()) {
      if (await stoppedWaitingBefore(waiting, reminder.at)) {
        // Moments that had come when the request moved on (e.g. answered during an outage): say so.
        const missed = plan.slice(index).filter((later) => Date.now() >= Date.parse(later.at));
        for (const late of missed) if (!requestMissing) await skipReminder(late, 'NO_LONGER_APPLIES');
        return;
      }
      mail(reminder.occasion, reminder);
    }
  }

  // --- The process -----------------------------------------------------------------------------
  showDetails();
  mail('CREATED');

  // Waiting for the answer: reminders to the partner, then one escalation to support. The request
  // stays open until it is answered or withdrawn; after the last reminder nothing more is scheduled.
  // Reminders stop the moment an answer is accepted, before it has even been recorded.
  const awaitingAnswer = () => state.status === 'AWAITING_ANSWER' && !requestMissing;
  await remindWhile(awaitingAnswer, await planUnansweredReminders({ createdAt: input.createdAt }));
  await condition(() => answerRecorded || state.status === 'WITHDRAWN' || Boolean(requestMissing));
  failIfRequestMissing();
  if (state.status === 'DECLINED') mail('ANSWERED_NO');

  if (state.status === 'AWAITING_ASSIGNMENT' || state.status === 'COMPLETED') {
    mail('ANSWERED_YES');
    const assigning = () => state.status === 'AWAITING_ASSIGNMENT';
    if (deadlineNear) await remindWhile(assigning, [deadlineNear]);
    // The deadline is the last millisecond of its day: it has passed one millisecond later.
    const passedAt = new Date(Date.parse(state.deadline!) + 1).toISOString();
    if (!(await stoppedWaitingBefore(assigning, passedAt))) {
      log.info('Assignment deadline passed', { requestId: input.requestId, deadline: state.deadline });
      moveTo('OVERDUE');
      publish();
      await persist([
        { at: now(), event: 'OVERDUE', detail: { deadline: state.deadline, pendingSchools: pendingSchools() } },
      ]);
      // The partner (and support) hears of it the next working morning, then every few working
      // days, a limited number of times; the request stays OVERDUE until assigned or withdrawn.
      const overdue = () => state.status === 'OVERDUE';
      await remindWhile(overdue, await planOverdueReminders({ deadlineDate: state.deadlineDate! }));
      await condition(() => !overdue());
    }
    if (state.status === 'COMPLETED') mail('COMPLETED');
  }

  if (state.status === 'WITHDRAWN') mail('WITHDRAWN');

  await condition(allHandlersFinished);
  await writes;
  await mails;
  failIfRequestMissing();
  return outcome();
}

/**
 * licenseRequestWorkflow: one license request from creation to a finished status, as in
 * docs/process.md. A thin shell over the request's state (`LicenseRequest` in
 * domain/license-request.ts): the validators ask its rulebook, the handlers apply its transitions,
 * and this file adds what only the workflow does: the read-model writes, search attributes, mail
 * and timers. Deterministic code only: time comes from the workflow clock, the deadline from the
 * calendar activity, everything else that touches the world from activities.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities, HistoryEventRecord, WebhookDeliveryInput } from '../activities';
import type { PlannedReminder, ReminderSkipReason } from '../domain/reminders';
import { webhookDeliveryWorkflowId, webhookEventOf } from '../domain/webhook-events';
import {
  invalidDeadline,
  LicenseRequest,
  NOTIFICATION_FOR,
  REMINDER_APPLIES_WHILE,
  type AnswerInput,
  type AssignSchoolsInput,
  type ExtendDeadlineInput,
  type LicenseRequestInput,
  type LicenseRequestOutcome,
  type MailOccasion,
  type Refusal,
  type ReopenInput,
  type ResendNotificationInput,
  type WithdrawInput,
  CREATE_ABANDONED,
} from '../domain/license-request';
import {
  ACTIVITY_TIMEOUTS,
  answerUpdate,
  assignSchoolsUpdate,
  createUpdate,
  extendDeadlineUpdate,
  reopenUpdate,
  resendNotificationUpdate,
  statusQuery,
  SearchAttributes,
  withdrawUpdate,
} from './definitions';
import { webhookDeliveryWorkflow } from './webhook-delivery';

/**
 * Read-model writes and calendar decisions: quick, idempotent, retried until the database is back.
 * Local activities: they run in the worker next to the workflow task, and their results are still
 * recorded in the history (a marker each), without a round trip through the server's task queues
 * and with far fewer history events (which keeps a request of 1,000 schools within Temporal's limits).
 * The first, openRequest, stores the new request (and plans the first reminders and records the
 * CREATED webhook event with it): the create (update-with-start) then answers in the workflow's
 * first task. They run one at a time, in the writes' line (see afterWrites): two in
 * flight at once would come back in the order they finished but replay in the order they were
 * scheduled, and the commands that follow could change order.
 */
const {
  openRequest,
  recordTransition,
  computeDeadline,
  planExtendedDeadline,
  reopenWindow,
  planUnansweredReminders,
  planOverdueReminders,
  recordRequestWebhookEvent,
} = proxyLocalActivities<Activities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.database.startToCloseMs,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  // Waits longer than this between attempts (the database away for a while) are server timers: the
  // workflow task is let go, instead of held and heartbeated (a new task every 8 s or so).
  localRetryThreshold: '10 seconds',
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

/** A refusal as the update's failure: its code is the failure's type, the refusal its detail (services/errors.ts reads both). */
function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    message: `${refusal.code}: the request is ${refusal.status}`,
    type: refusal.code,
    details: [refusal],
    nonRetryable: true,
  });
}

/** A validator's (or a handler's) rejection, when there is a refusal. */
function refuse(refusal: Refusal | undefined): void {
  if (refusal) throw refusalFailure(refusal);
}

export async function licenseRequestWorkflow(input: LicenseRequestInput): Promise<LicenseRequestOutcome> {
  const request = new LicenseRequest(
    input.requestId,
    input.schools.map((s) => s.skolonId),
  );
  const now = () => new Date().toISOString();

  // --- Persistence: one ordered stream of versioned writes to the read model -------------------
  // The first write stores the request itself; the others follow it one after another, each
  // carrying the state as it is when it runs and the schools changed since the previous write, so
  // that concurrent updates can never overwrite a newer state with an older one, and every retry of
  // a write is harmless (see activities/persistence).
  // Not stored only for a create without a key that came after its caller was told 503 (`storeBy`).
  const opened = openRequest({ request: input, occurredAt: now() });
  const recorded = opened.then(({ stored }) => stored);
  let writes: Promise<void> = recorded.then(
    () => undefined,
    () => undefined,
  );
  let version = 0;
  let changedSchools = new Set<string>();
  function persist(events: Array<Omit<HistoryEventRecord, 'key'>>): Promise<void> {
    const write = writes.then(async () => {
      version++;
      const schools = [...changedSchools].map((skolonId) => ({ skolonId, assignment: request.schools[skolonId]! }));
      changedSchools = new Set();
      await recordTransition({
        requestId: request.requestId,
        version,
        status: request.status,
        response: request.response,
        answeredAt: request.answeredAt,
        deadline: request.deadline,
        deadlineDate: request.deadlineDate,
        finishedAt: request.finishedAt,
        schools,
        events: events.map((event, i) => ({ ...event, key: `v${version}.${i}` })),
      });
    });
    writes = write.catch(() => undefined);
    return write;
  }
  const changed = (schools: readonly string[]) => schools.forEach((id) => changedSchools.add(id));

  /**
   * Runs a local activity after the writes queued so far, and the next write after it. Two local
   * activities in flight at once come back in the order they finished, but replay in the order they
   * were scheduled, so the commands that follow them could change order.
   */
  function afterWrites<T>(work: () => Promise<T>): Promise<T> {
    const result = writes.then(work);
    writes = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * The search attributes operators filter on (and the Web UI details), once per transition: each
   * upsert is a command and an event in the history. LicenseRequestPendingSchools counts the
   * licensed schools that still wait, from the answer on (e.g. `LicenseRequestStatus="OVERDUE" AND
   * LicenseRequestPendingSchools > 10`).
   */
  function publish() {
    const pairs: SearchAttributeUpdatePair[] = [{ key: SearchAttributes.status, value: request.status }];
    if (request.deadline) pairs.push({ key: SearchAttributes.assignmentDeadline, value: new Date(request.deadline) });
    if (request.response === 'YES') {
      pairs.push({ key: SearchAttributes.pendingSchools, value: request.pendingSchools().length });
    }
    upsertSearchAttributes(pairs);
    showDetails();
  }

  /** The person who answered in the portal (their e-mail address), for the Web UI's details; none for an API key. */
  let answeredBy: string | undefined;

  function showDetails() {
    const lines = [`**Status:** ${request.status}`, `**Response:** ${request.response}`];
    if (answeredBy && request.response !== 'UNANSWERED') lines.push(`**Answered by:** ${answeredBy}`);
    if (input.desiredAvailability) lines.push(`**Desired availability:** ${input.desiredAvailability}`);
    if (request.deadlineDate) lines.push(`**Assignment deadline:** ${request.deadlineDate}`);
    const assignments = Object.values(request.schools);
    const assigned = assignments.filter((a) => a === 'ASSIGNED').length;
    const licensed = assignments.filter((a) => a !== 'NOT_LICENSED').length;
    if (request.response === 'YES') lines.push(`**Schools assigned:** ${assigned} of ${licensed}`);
    setCurrentDetails(lines.join('\n'));
  }

  /** Set once the answer (and with YES its deadline) is in the read model. */
  let answerRecorded = false;
  /** With YES: the reminder that the deadline is near (null: too close for that). */
  let deadlineNear: PlannedReminder | null = null;
  /**
   * Rounds of waiting for an answer: 0 from the creation, one more with each reopening of a NO,
   * which starts its reminders over from `answerRoundStartedAt`.
   */
  let answerRound = 0;
  let answerRoundStartedAt = input.createdAt;
  /** Support's reason for the last reopening: the request mail of that round gives it. */
  let reopenReason: string | undefined;
  /**
   * Reminder plans replaced by support (an extension moves the deadline they were planned from; a
   * reopening starts the answer's anew): a reminder of an earlier plan is not sent, but recorded as
   * skipped with `replacedBecause`.
   */
  let plans = 0;
  let replacedBecause: ReminderSkipReason = 'NO_LONGER_APPLIES';

  /**
   * Each mail of an occasion takes the next sequence number, which makes its once-only key and its
   * Message-ID (activities/mail.ts): a resend, a reopened round's reminders, a second round of
   * overdue mail never meet an earlier mail's key; a request without exceptions numbers as before.
   */
  const nextSequence = new Map<MailOccasion, number>();
  function takeSequence(occasion: MailOccasion): number {
    const sequence = nextSequence.get(occasion) ?? 0;
    nextSequence.set(occasion, sequence + 1);
    return sequence;
  }
  /** A reminder plan (numbered from 0 per occasion) with sequence numbers after those already taken. */
  function numbered(plan: readonly PlannedReminder[]): PlannedReminder[] {
    const first = new Map<MailOccasion, number>();
    for (const reminder of plan)
      if (!first.has(reminder.occasion)) first.set(reminder.occasion, takeSequence(reminder.occasion));
    for (const reminder of plan) if (reminder.sequence > 0) takeSequence(reminder.occasion);
    return plan.map((reminder) => ({ ...reminder, sequence: first.get(reminder.occasion)! + reminder.sequence }));
  }

  // --- Messages: each validator asks the rulebook, each handler applies a transition -------------
  setHandler(statusQuery, () => request.snapshot());

  // The create call's answer: the request is in the read model.
  setHandler(createUpdate, async () => {
    if (!(await recorded)) {
      throw ApplicationFailure.nonRetryable('The request was not stored in time; send it again.', CREATE_ABANDONED);
    }
    return request.outcome();
  });

  setHandler(
    answerUpdate,
    async ({ response, schools, by }) => {
      // Everything up to the first await runs before any other message is looked at, so a second
      // answer arriving meanwhile already sees the new status and is refused by its validator.
      const at = now();
      const { licensed, notLicensed } = request.answer({ response, schools }, at);
      answeredBy = by.role !== 'partner' ? undefined : 'via' in by ? `the link in the mail to ${by.to}` : by.user;
      changed(notLicensed);
      if (response === 'NO') {
        publish();
        // Support may reopen a NO given by mistake until then (REOPEN_WINDOW_DAYS, the worker's configuration).
        const { reopenableUntil } = await afterWrites(() => reopenWindow({ declinedAt: at }));
        await persist([{ at, event: 'ANSWERED', detail: { response, by, reopenableUntil } }]);
        request.allowReopeningUntil(reopenableUntil);
        answerRecorded = true;
        mail('ANSWERED_NO');
        return request.outcome();
      }
      // In the writes' line: a webhook event's record (another local activity) may be in flight.
      const plan = await afterWrites(() =>
        computeDeadline({ answeredAt: at, desiredAvailability: input.desiredAvailability }),
      );
      const answered: Omit<HistoryEventRecord, 'key'> = {
        at,
        event: 'ANSWERED',
        detail: { response, by, licensedSchools: licensed, notLicensedSchools: notLicensed },
      };
      if (!request.setDeadline(plan)) {
        // Withdrawn while the deadline was being worked out: the answer stands, no deadline does.
        await persist([answered]);
        answerRecorded = true;
        return request.outcome();
      }
      deadlineNear = plan.deadlineNear && numbered([plan.deadlineNear])[0]!;
      publish();
      await persist([
        answered,
        { at, event: 'DEADLINE_SET', detail: { deadline: plan.deadline, deadlineDate: plan.deadlineDate } },
      ]);
      answerRecorded = true;
      return request.outcome();
    },
    {
      validator: ({ response, schools, by }: AnswerInput) =>
        refuse(request.refusalFor('answer', by, { response, schools })),
    },
  );

  setHandler(
    assignSchoolsUpdate,
    async ({ schools, by }) => {
      const at = now();
      const { assigned, completed } = request.assign(schools, at);
      if (assigned.length === 0) {
        // A retried call: nothing changes, but answer only once an earlier write of it is readable.
        await writes;
        return request.outcome();
      }
      changed(assigned);
      const events: Array<Omit<HistoryEventRecord, 'key'>> = [
        { at, event: 'SCHOOLS_ASSIGNED', detail: { schools: assigned, by } },
      ];
      if (completed) events.push({ at, event: 'COMPLETED', detail: {} });
      publish();
      await persist(events);
      return request.outcome();
    },
    { validator: ({ schools, by }: AssignSchoolsInput) => refuse(request.refusalFor('assign', by, { schools })) },
  );

  setHandler(
    withdrawUpdate,
    async ({ by }) => {
      const at = now();
      request.withdraw(at);
      publish();
      await persist([{ at, event: 'WITHDRAWN', detail: { by } }]);
      return request.outcome();
    },
    { validator: ({ by }: WithdrawInput) => refuse(request.refusalFor('withdraw', by)) },
  );

  // --- Support's exceptions ----------------------------------------------------------------------
  setHandler(
    extendDeadlineUpdate,
    async ({ date, reason, by }) => {
      // The calendar decides in an activity (recorded in the history, like the YES's deadline).
      const plan = await afterWrites(() =>
        planExtendedDeadline({ date, currentDeadlineDate: request.deadlineDate!, now: now() }),
      );
      if ('problem' in plan) throw refusalFailure(invalidDeadline(request, plan.problem));
      // Meanwhile an assignment may have completed the request, a withdrawal won, or another
      // extension moved the deadline past this date: then this one is refused, and changes nothing.
      refuse(request.refusalFor('extend', by));
      if (plan.deadlineDate <= request.deadlineDate!) {
        throw refusalFailure(invalidDeadline(request, 'NOT_AFTER_CURRENT_DEADLINE'));
      }
      const at = now();
      const from = request.extendDeadline(plan);
      // The timers re-arm from the new deadline (see meetDeadline); reminders planned for the old
      // one are not sent, even one already waiting in the mail queue.
      plans++;
      replacedBecause = 'DEADLINE_EXTENDED';
      deadlineNear = plan.deadlineNear && numbered([plan.deadlineNear])[0]!;
      publish();
      const written = persist([{ at, event: 'DEADLINE_EXTENDED', detail: { from, to: plan.deadline, reason, by } }]);
      mail('DEADLINE_EXTENDED', { reason });
      mail('DEADLINE_EXTENDED_CONTACTS', { reason });
      await written;
      return request.outcome();
    },
    { validator: ({ by }: ExtendDeadlineInput) => refuse(request.refusalFor('extend', by)) },
  );

  setHandler(
    reopenUpdate,
    async ({ reason, by }) => {
      // Before the first await, like an answer: a second reopening already finds the request open.
      const at = now();
      changed(request.reopen());
      answerRound++;
      answerRoundStartedAt = at;
      answerRecorded = false;
      reopenReason = reason;
      plans++;
      replacedBecause = 'NO_LONGER_APPLIES';
      publish();
      const written = persist([{ at, event: 'REOPENED', detail: { reason, by } }]);
      mail('REOPENED', { reason });
      await written;
      return request.outcome();
    },
    // The window is the workflow's clock against the NO's recorded window.
    { validator: ({ by }: ReopenInput) => refuse(request.reopenRefusal(by, new Date())) },
  );

  setHandler(
    resendNotificationUpdate,
    async ({ by }) => {
      const at = now();
      // The request mail of the current round (with its reopening's reason), or the deadline reminder.
      const occasion =
        request.status === 'AWAITING_ANSWER' && answerRound > 0 ? 'REOPENED' : NOTIFICATION_FOR[request.status]!;
      const written = persist([{ at, event: 'NOTIFICATION_RESENT', detail: { occasion, by } }]);
      mail(occasion, {
        resent: true,
        ...(occasion === 'REOPENED' && reopenReason !== undefined && { reason: reopenReason }),
      });
      await written;
      return request.outcome();
    },
    { validator: ({ by }: ResendNotificationInput) => refuse(request.refusalFor('resend', by)) },
  );

  // --- Mail ------------------------------------------------------------------------------------
  // Mail goes out one after another in the background: a mail server that is down for a day must
  // not hold up the clock (the deadline, OVERDUE) of the request itself.
  let mails: Promise<void> = Promise.resolve();
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

  interface MailOptions {
    /** A planned reminder: checked again when its turn comes (the queue may have waited). */
    reminder?: PlannedReminder;
    /** Support's reason, in the mail about an extension or a reopening. */
    reason?: string;
    /** Support has the partner's notification sent again: to the partner only, no copy to support, no webhook event. */
    resent?: boolean;
    /** The occasion's webhook event as the first step recorded it (CREATED): not recorded again. */
    recordedEvent?: WebhookDeliveryInput | null;
  }

  /**
   * Why a reminder no longer goes out: support replaced its plan (`plan` is the plan it came from),
   * the request moved on, or a later reminder of the kind (or the deadline) came meanwhile.
   */
  function lapsed(
    occasion: MailOccasion,
    reminder: PlannedReminder | undefined,
    plan: number,
  ): ReminderSkipReason | undefined {
    if (!reminder) return undefined;
    if (plan !== plans) return replacedBecause;
    if (reminder.expiresAt && Date.now() >= Date.parse(reminder.expiresAt))
      return reminder.expiresBecause ?? 'LATER_REMINDER_DUE';
    const appliesWhile = REMINDER_APPLIES_WHILE[occasion];
    if (appliesWhile && !appliesWhile.includes(request.status)) return 'NO_LONGER_APPLIES';
    return undefined;
  }

  /**
   * Queues a mail: the one place where mail about the request is queued, and so where the partner's
   * webhook event of the occasion starts too.
   */
  function mail(occasion: MailOccasion, { reminder, reason, resent = false, recordedEvent }: MailOptions = {}): void {
    const sequence = reminder ? reminder.sequence : takeSequence(occasion);
    const plan = plans;
    if (recordedEvent !== undefined) deliverWebhookEvent(occasion, async () => recordedEvent);
    else if (!resent) webhookEvent(occasion, sequence, reminder);
    mails = mails
      .then(async () => {
        const lapse = lapsed(occasion, reminder, plan);
        if (reminder && lapse) return skipReminder(reminder, lapse);
        const alsoToSupport =
          !resent && occasion === 'OVERDUE' && (reminder?.alsoToSupport === true || !supportToldOverdue);
        await writes; // the mail is rendered from the read model: let it catch up first
        const result = await sendRequestMail({
          requestId: input.requestId,
          occasion,
          sequence,
          ...(reminder && { expiresAt: reminder.expiresAt, expiresBecause: reminder.expiresBecause }),
          ...(alsoToSupport && { alsoToSupport }),
          ...(reason !== undefined && { reason }),
        });
        if (alsoToSupport && result !== 'SKIPPED') supportToldOverdue = true;
      })
      // Caught here: a rejection nobody awaits yet would fail the workflow task over and over. A
      // mail that gave up (none is expected: mail is retried until sent or refused for good, which
      // the activity records itself) costs this one mail, not the request.
      .catch((error: unknown) => {
        log.error('Mail not sent', { requestId: input.requestId, occasion, error: String(error) });
      });
  }

  // --- Webhooks --------------------------------------------------------------------------------
  // An occasion that tells the partner something is also an event for the partner's own system:
  // recorded at once on a chain of its own (never behind a mail), and delivered by a workflow of
  // its own that this one does not wait for (ABANDON: it outlives this one if it must).
  let webhookEvents: Promise<void> = Promise.resolve();

  function webhookEvent(occasion: MailOccasion, sequence: number, reminder?: PlannedReminder): void {
    if (!webhookEventOf(occasion) || lapsed(occasion, reminder, plans)) return;
    const occurredAt = now();
    // After the writes queued so far, so the event carries the request as the read model has it;
    // and in their line, so no two local activities are in flight at once (see afterWrites).
    deliverWebhookEvent(occasion, () =>
      afterWrites(() =>
        recordRequestWebhookEvent({
          requestId: input.requestId,
          partnerId: input.partnerId,
          occasion,
          sequence,
          occurredAt,
        }),
      ),
    );
  }

  /** Starts the delivery of the event `record` gives (none when the partner has no endpoint that wants it). */
  function deliverWebhookEvent(occasion: MailOccasion, record: () => Promise<WebhookDeliveryInput | null>): void {
    webhookEvents = webhookEvents
      .then(async () => {
        const event = await record();
        if (!event) return; // the partner has no endpoint that wants it
        await startChild(webhookDeliveryWorkflow, {
          workflowId: webhookDeliveryWorkflowId(event.deliveryId),
          args: [event],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      })
      .catch((error: unknown) => {
        log.error('Webhook event not recorded', { requestId: input.requestId, occasion, error: String(error) });
      });
  }

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
    const planned = plans;
    for (const [index, reminder] of plan.entries()) {
      if (await stoppedWaitingBefore(waiting, reminder.at)) {
        // Moments that had come when the request moved on (e.g. answered during an outage): say so.
        // Support replacing the plan also cancels the reminder this timer was waiting for.
        const replaced = plans !== planned;
        const missed = plan
          .slice(index)
          .filter((later, i) => (replaced && i === 0) || Date.now() >= Date.parse(later.at));
        for (const late of missed) await skipReminder(late, replaced ? replacedBecause : 'NO_LONGER_APPLIES');
        return;
      }
      mail(reminder.occasion, { reminder });
    }
  }

  /**
   * From a YES to the deadline's end: the deadline-near reminder, OVERDUE when the deadline passes,
   * then the overdue mails, until every school is assigned or the request is withdrawn. An
   * extension (support's) starts it over from the new deadline, OVERDUE or not.
   */
  async function meetDeadline(): Promise<void> {
    for (;;) {
      const planned = plans;
      const assigning = () => request.status === 'AWAITING_ASSIGNMENT' && plans === planned;
      if (deadlineNear) await remindWhile(assigning, [deadlineNear]);
      if (await stoppedWaitingBefore(assigning, request.deadlinePassedAt()!)) {
        if (request.status === 'AWAITING_ASSIGNMENT') continue; // extended
        return;
      }
      log.info('Assignment deadline passed', { requestId: input.requestId, deadline: request.deadline });
      const at = now();
      request.markOverdue(at);
      supportToldOverdue = false; // support hears of each time the request becomes OVERDUE
      publish();
      await persist([
        { at, event: 'OVERDUE', detail: { deadline: request.deadline, pendingSchools: request.pendingSchools() } },
      ]);
      // The partner (and support) hears of it the next working morning, then every few working
      // days, a limited number of times; the request stays OVERDUE until assigned, withdrawn or extended.
      const overdue = () => request.status === 'OVERDUE' && plans === planned;
      const overduePlan = await afterWrites(() => planOverdueReminders({ deadlineDate: request.deadlineDate! }));
      await remindWhile(overdue, numbered(overduePlan));
      await condition(() => !overdue());
      if (request.status !== 'AWAITING_ASSIGNMENT') return; // extended: AWAITING_ASSIGNMENT again
    }
  }

  // --- The process -----------------------------------------------------------------------------
  showDetails();
  // The request goes into the read model first (the create update answers then); the mail is
  // rendered from it. Not stored: nobody knows of this request, and it ends here, without a mail.
  const first = await opened;
  if (!first.stored) {
    log.info('create abandoned: not stored before its storeBy; its caller was told 503');
    return request.outcome();
  }
  mail('CREATED', { recordedEvent: first.createdEvent });

  // Waiting for the answer: reminders to the partner, then one escalation to support. The request
  // stays open until it is answered or withdrawn; after the last reminder nothing more is scheduled.
  // Reminders stop the moment an answer is accepted, before it has even been recorded. A NO keeps
  // the run open for support to reopen it (REOPENED mail from the handler): a new round, from here.
  for (;;) {
    const round = answerRound;
    const awaitingAnswer = () => request.status === 'AWAITING_ANSWER' && answerRound === round;
    const createdAt = answerRoundStartedAt;
    // The first round's plan came with the first step; a reopened round's is made in the writes'
    // line, like every local activity's work: after the reopening's write.
    const plan = round === 0 ? first.reminders : await afterWrites(() => planUnansweredReminders({ createdAt }));
    await remindWhile(awaitingAnswer, numbered(plan));
    await condition(() => answerRecorded || request.status === 'WITHDRAWN' || answerRound !== round);
    if (answerRound !== round) continue; // the NO was reopened before this line saw it
    if (request.status === 'DECLINED') {
      // The run waits (nothing scheduled but this timer) until the reopen window closes, then ends.
      const declined = () => request.status === 'DECLINED' && answerRound === round;
      if (await stoppedWaitingBefore(declined, request.reopenableUntil!)) continue;
      break;
    }
    if (request.status === 'AWAITING_ASSIGNMENT' || request.status === 'COMPLETED') {
      mail('ANSWERED_YES');
      await meetDeadline();
      if (request.status === 'COMPLETED') mail('COMPLETED');
    }
    break;
  }

  if (request.status === 'WITHDRAWN') mail('WITHDRAWN');

  await condition(allHandlersFinished);
  await writes;
  await mails;
  await webhookEvents;
  return request.outcome();
}

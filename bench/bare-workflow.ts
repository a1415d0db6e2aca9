/**
 * The baseline for `npm run bench`: the license-request workflow's skeleton on bare Temporal. The
 * same messages (the `answer` and `assignSchools` updates, with validators), the same activities in
 * the same order with the same options, the same timers (reminders, deadline), and nothing else:
 * no read model, no mail, no search attributes, no details for the Web UI; every activity a no-op
 * (bench/bare-activities.ts). Deterministic workflow code, like workflows/.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { BareActivities } from './bare-activities';
import type {
  AnswerInput,
  AssignSchoolsInput,
  Assignment,
  LicenseRequestInput,
  LicenseRequestState,
  MailOccasion,
} from '../domain/license-request';
import { ACTIVITY_TIMEOUTS } from '../workflows/definitions';

// The same wire names as the real workflow's updates, answering the whole state as they did when
// the baseline was fixed (the real workflow now answers less; the baseline does not follow it).
const answerUpdate = defineUpdate<LicenseRequestState, [AnswerInput]>('answer');
const assignSchoolsUpdate = defineUpdate<LicenseRequestState, [AssignSchoolsInput]>('assignSchools');

const { recordTransition, computeDeadline, planUnansweredReminders } = proxyActivities<BareActivities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.database.startToCloseMs,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { sendRequestMail } = proxyActivities<BareActivities>({
  startToCloseTimeout: ACTIVITY_TIMEOUTS.mail.startToCloseMs,
  heartbeatTimeout: ACTIVITY_TIMEOUTS.mail.heartbeatMs,
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function bareLicenseRequestWorkflow(input: LicenseRequestInput): Promise<LicenseRequestState> {
  const state: LicenseRequestState = {
    requestId: input.requestId,
    status: 'AWAITING_ANSWER',
    response: 'UNANSWERED',
    answeredAt: null,
    deadline: null,
    deadlineDate: null,
    finishedAt: null,
    schools: Object.fromEntries(input.schools.map(({ skolonId }): [string, Assignment] => [skolonId, 'PENDING'])),
  };
  const snapshot = (): LicenseRequestState => ({ ...state, schools: { ...state.schools } });
  let answerRecorded = false;
  let deadlineNearAt: string | null = null;
  const refuse = () => {
    throw ApplicationFailure.nonRetryable(`The request is ${state.status}.`, 'InvalidTransition');
  };

  setHandler(
    answerUpdate,
    async ({ response }) => {
      state.response = response;
      state.answeredAt = new Date().toISOString();
      if (response === 'NO') {
        state.status = 'DECLINED';
      } else {
        state.status = 'AWAITING_ASSIGNMENT';
        const plan = await computeDeadline();
        state.deadline = plan.deadline;
        state.deadlineDate = plan.deadlineDate;
        deadlineNearAt = plan.deadlineNearAt;
      }
      await recordTransition();
      answerRecorded = true;
      return snapshot();
    },
    { validator: (_input: AnswerInput) => (state.status === 'AWAITING_ANSWER' ? undefined : refuse()) },
  );

  setHandler(
    assignSchoolsUpdate,
    async ({ schools }) => {
      for (const id of schools) if (state.schools[id] === 'PENDING') state.schools[id] = 'ASSIGNED';
      if (Object.values(state.schools).every((a) => a !== 'PENDING')) state.status = 'COMPLETED';
      await recordTransition();
      return snapshot();
    },
    {
      validator: (_input: AssignSchoolsInput) =>
        (state.status === 'AWAITING_ASSIGNMENT' || state.status === 'OVERDUE') && answerRecorded ? undefined : refuse(),
    },
  );

  // Mail in the background, one after another, as in the real workflow.
  let mails: Promise<unknown> = Promise.resolve();
  const mail = (occasion: MailOccasion) => {
    mails = mails.then(() => sendRequestMail());
    return occasion;
  };
  const msUntil = (at: string) => Math.max(1, Date.parse(at) - Date.now());

  mail('CREATED');
  for (const reminder of await planUnansweredReminders()) {
    if (await condition(() => state.status !== 'AWAITING_ANSWER', msUntil(reminder.at))) break;
    mail(reminder.occasion);
  }
  await condition(() => answerRecorded);
  if (state.status === 'DECLINED') mail('ANSWERED_NO');
  if (state.status === 'AWAITING_ASSIGNMENT' || state.status === 'COMPLETED') {
    mail('ANSWERED_YES');
    const ended = () => state.status !== 'AWAITING_ASSIGNMENT';
    if (deadlineNearAt && !(await condition(ended, msUntil(deadlineNearAt)))) mail('DEADLINE_NEAR');
    await condition(ended, msUntil(state.deadline!) + 1);
    if (state.status === 'COMPLETED') mail('COMPLETED');
  }
  await condition(allHandlersFinished);
  await mails;
  return snapshot();
}

/**
 * The license-request workflow's Temporal surface: messages, search attributes, task queue and
 * activity timeouts. The request's rules and types (statuses, inputs, refusals) are the domain's
 * (domain/license-request.ts). Shared by the workflow, the worker and the API, so it imports
 * nothing that the workflow sandbox cannot load.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type {
  AnswerInput,
  AssignSchoolsInput,
  ExtendDeadlineInput,
  LicenseRequestInput,
  LicenseRequestOutcome,
  LicenseRequestState,
  ReopenInput,
  ResendNotificationInput,
  WithdrawInput,
} from '../domain/license-request';

/**
 * The workflow's activity timeouts, named once so that everything that runs inside them (database
 * and SMTP timeouts, the mail claim's lease, the API's wait for an update) can be held against
 * them (runtime/timeouts.test.ts).
 */
export const ACTIVITY_TIMEOUTS = {
  /**
   * Database writes and calendar decisions take milliseconds: an attempt lost with a worker that
   * died is retried after 10 s, soon enough for an API call waiting on it (20 s) to still succeed.
   */
  database: { startToCloseMs: 10_000 },
  /**
   * Mail: the SMTP exchange may be slow, so the attempt may take 2 minutes; it heartbeats all along,
   * so an attempt lost with a worker that died is noticed after 10 s, not 2 minutes.
   */
  mail: { startToCloseMs: 120_000, heartbeatMs: 10_000 },
} as const;

export function licenseRequestWorkflowId(requestId: string): string {
  return `license-request-${requestId}`;
}

/**
 * Changes guarded by `patched()` (see workflows/patches.ts and CONTRIBUTING.md). None now: until the
 * first release no workflow is in flight, so a change to the command order re-records the saved
 * histories instead. (The pending-schools search attribute of 2026-11-29 was retired that way.)
 */
export const PATCHES = {} as const;
export type PatchId = (typeof PATCHES)[keyof typeof PATCHES];

/**
 * The create call's update, sent with the workflow's start (update-with-start): it answers once the
 * workflow has recorded the request in the read model, so a GET right after the 201 shows it.
 */
export const createUpdate = defineUpdate<LicenseRequestOutcome, []>('create');
export const answerUpdate = defineUpdate<LicenseRequestOutcome, [AnswerInput]>('answer');
export const assignSchoolsUpdate = defineUpdate<LicenseRequestOutcome, [AssignSchoolsInput]>('assignSchools');
export const withdrawUpdate = defineUpdate<LicenseRequestOutcome, [WithdrawInput]>('withdraw');
// Support's exceptions (docs: "Exceptions").
export const extendDeadlineUpdate = defineUpdate<LicenseRequestOutcome, [ExtendDeadlineInput]>('extendDeadline');
export const reopenUpdate = defineUpdate<LicenseRequestOutcome, [ReopenInput]>('reopen');
export const resendNotificationUpdate = defineUpdate<LicenseRequestOutcome, [ResendNotificationInput]>(
  'resendNotification',
);
export const statusQuery = defineQuery<LicenseRequestState>('status');

/** Search attributes an operator filters on in the Temporal Web UI (registered on the cluster). */
export const SearchAttributes = {
  status: defineSearchAttributeKey('LicenseRequestStatus', SearchAttributeType.KEYWORD),
  partnerId: defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD),
  organisationSkolonId: defineSearchAttributeKey('OrganisationSkolonId', SearchAttributeType.KEYWORD),
  assignmentDeadline: defineSearchAttributeKey('AssignmentDeadline', SearchAttributeType.DATETIME),
  desiredAvailability: defineSearchAttributeKey('DesiredAvailability', SearchAttributeType.DATETIME),
  /** Licensed schools not yet assigned, from a YES answer on. */
  pendingSchools: defineSearchAttributeKey('LicenseRequestPendingSchools', SearchAttributeType.INT),
} as const;

/** `NAME=Type` pairs for `temporal server start-dev --search-attribute` and operator setup. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: ReadonlyArray<{ name: string; type: 'Keyword' | 'Datetime' | 'Int' }> = [
  { name: 'LicenseRequestStatus', type: 'Keyword' },
  { name: 'PartnerId', type: 'Keyword' },
  { name: 'OrganisationSkolonId', type: 'Keyword' },
  { name: 'AssignmentDeadline', type: 'Datetime' },
  { name: 'DesiredAvailability', type: 'Datetime' },
  { name: 'LicenseRequestPendingSchools', type: 'Int' },
];

/** The one-line summary the Web UI shows in its list. */
export function workflowSummary(input: Pick<LicenseRequestInput, 'organisation' | 'partnerId' | 'schools'>): string {
  const n = input.schools.length;
  return `${input.organisation.name} → ${input.partnerId}, ${n} school${n === 1 ? '' : 's'}`;
}

// --- Webhook deliveries (workflows/webhook-delivery.ts) ------------------------------------------

/**
 * One attempt at a webhook delivery: the receiver has 10 s (DELIVERY_TIMEOUT_MS), the database
 * writes around it a few more, and a 2xx whose record fails is recorded again until nearly this.
 */
export const WEBHOOK_ATTEMPT_TIMEOUT_MS = 60_000;

/** An attempt heartbeats every few seconds; one lost with its worker is tried again after this. */
export const WEBHOOK_ATTEMPT_HEARTBEAT_TIMEOUT_MS = 10_000;

/** The partner asks for the event again: the next attempt is made now, not after the backoff. */
export const redeliverSignal = defineSignal('redeliver');

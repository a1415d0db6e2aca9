/**
 * The license-request workflow's public surface: input, messages, statuses and search attributes.
 * Shared by the workflow, the worker, the activities and the API, so it imports nothing that the
 * workflow sandbox cannot load.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const DEFAULT_TASK_QUEUE = 'license-requests';

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

export const RESPONSES = ['UNANSWERED', 'YES', 'NO'] as const;
export type PartnerResponse = (typeof RESPONSES)[number];

export const ASSIGNMENTS = ['PENDING', 'ASSIGNED', 'NOT_LICENSED'] as const;
export type Assignment = (typeof ASSIGNMENTS)[number];

/** Occasions on which mail goes out (contract: "E-mail"). */
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
] as const;
export type MailOccasion = (typeof MAIL_OCCASIONS)[number];

/** What the API hands the workflow when it starts it. The database holds names and contacts. */
export interface LicenseRequestInput {
  requestId: string;
  partnerId: string;
  organisation: { skolonId: string; name: string };
  schoolIds: string[];
  /** `YYYY-MM-DD` or null. */
  desiredAvailability: string | null;
  /** ISO-8601 instant at which the request was created. */
  createdAt: string;
}

/** Who did something, recorded in the history. */
export type Actor = { role: 'admin' } | { role: 'partner'; partnerId: string };

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
 * The statuses in which a reminder still applies: the workflow and the mail activity both drop a
 * reminder whose request has moved on, and the history says so.
 */
export const REMINDER_APPLIES_WHILE: Partial<Record<MailOccasion, readonly Status[]>> = {
  UNANSWERED_REMINDER: ['AWAITING_ANSWER'],
  UNANSWERED_ESCALATION: ['AWAITING_ANSWER'],
  DEADLINE_NEAR: ['AWAITING_ASSIGNMENT'],
  OVERDUE: ['OVERDUE'],
};

/** Failure types that the workflow's update validators use and the API maps to HTTP statuses. */
export const FailureTypes = {
  /** The current status does not allow it (409). */
  INVALID_TRANSITION: 'InvalidTransition',
  /** The input does not fit this request, e.g. an unknown school (400). */
  INVALID_INPUT: 'InvalidInput',
  /** A NOT_LICENSED school cannot be assigned (409). */
  SCHOOL_NOT_LICENSED: 'SchoolNotLicensed',
} as const;

/**
 * Changes guarded by `patched()` (see workflows/patches.ts and CONTRIBUTING.md). None now: until the
 * first release no workflow is in flight, so a change to the command order re-records the saved
 * histories instead. (The pending-schools search attribute of 2026-11-29 was retired that way.)
 */
export const PATCHES = {} as const;
export type PatchId = (typeof PATCHES)[keyof typeof PATCHES];

/** The mail activity's failure type when the request is not in the database (see activities/mail.ts). */
export const REQUEST_NOT_FOUND = 'RequestNotFound';

export const answerUpdate = defineUpdate<LicenseRequestOutcome, [AnswerInput]>('answer');
export const assignSchoolsUpdate = defineUpdate<LicenseRequestOutcome, [AssignSchoolsInput]>('assignSchools');
export const withdrawUpdate = defineUpdate<LicenseRequestOutcome, [WithdrawInput]>('withdraw');
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
export function workflowSummary(input: Pick<LicenseRequestInput, 'organisation' | 'partnerId' | 'schoolIds'>): string {
  const n = input.schoolIds.length;
  return `${input.organisation.name} → ${input.partnerId}, ${n} school${n === 1 ? '' : 's'}`;
}

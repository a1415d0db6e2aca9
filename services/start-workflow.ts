/**
 * Creating a request: one call to Temporal that starts the request's workflow and sends it the
 * `create` update (update-with-start). The workflow stores the request in the read model itself, as
 * its first step, and the update answers once that is done: so a request is never stored without
 * its workflow (nothing to undo when the call fails), and a GET right after the 201 shows it.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { LicenseRequestInput, LicenseRequestOutcome } from '../domain/license-request';
import { stockholmTimeOn } from '../domain/working-days';
import { createUpdate, licenseRequestWorkflowId, SearchAttributes, workflowSummary } from '../workflows/definitions';
import type { licenseRequestWorkflow } from '../workflows/license-request';

/**
 * How long a create waits for Temporal and a worker: storing a request takes a worker milliseconds,
 * so a create that takes longer finds Temporal (or every worker) away, and its caller gets a 503 in
 * seconds rather than a hang (about 10 s with the client's retries against a stopped server;
 * test/e2e/outages.test.ts holds it under 15). It may retry with the same Idempotency-Key.
 */
export const CREATE_TIMEOUT_MS = 8_000;

/**
 * A create without an Idempotency-Key is stored only this long after it was sent, well inside
 * CREATE_TIMEOUT_MS: its caller, told 503, may send it again, and the first must not turn up later.
 */
export const STORE_WITHOUT_KEY_MS = 5_000;

/**
 * Starts the request's workflow, which records the request, and waits until it has. The same
 * request again (a retry with the same Idempotency-Key, so the same id) finds the workflow there and
 * gets the first call's answer: one workflow per request, ever.
 */
export async function createLicenseRequestWorkflow(
  temporal: Client,
  taskQueue: string,
  request: LicenseRequestInput,
): Promise<LicenseRequestOutcome> {
  const input: LicenseRequestInput = request.idempotency
    ? request
    : { ...request, storeBy: new Date(Date.now() + STORE_WITHOUT_KEY_MS).toISOString() };
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof licenseRequestWorkflow>(
    'licenseRequestWorkflow',
    {
      ...startOptions(taskQueue, input),
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    },
  );
  return temporal.withDeadline(Date.now() + CREATE_TIMEOUT_MS, () =>
    temporal.workflow.executeUpdateWithStart(createUpdate, {
      args: [],
      // One create per workflow: a retry is the same update, which Temporal answers with the first outcome.
      updateId: 'create',
      startWorkflowOperation,
    }),
  );
}

/** What Temporal is given when a request's workflow starts: the id, the attributes, the Web UI's text. */
function startOptions(taskQueue: string, input: LicenseRequestInput) {
  return {
    workflowId: licenseRequestWorkflowId(input.requestId),
    taskQueue,
    args: [input] as [LicenseRequestInput],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: SearchAttributes.status, value: 'AWAITING_ANSWER' },
      { key: SearchAttributes.partnerId, value: input.partnerId },
      { key: SearchAttributes.organisationSkolonId, value: input.organisation.skolonId },
      ...(input.desiredAvailability
        ? // The start of that day where the organisation is: midnight in Stockholm, not in UTC.
          [
            {
              key: SearchAttributes.desiredAvailability,
              value: new Date(stockholmTimeOn(input.desiredAvailability, 0)),
            },
          ]
        : []),
    ],
    staticSummary: workflowSummary(input),
    staticDetails: [
      `**Organisation:** ${input.organisation.name} (${input.organisation.skolonId})`,
      `**Partner:** ${input.partnerId}`,
      `**Schools:** ${input.schools.length}`,
      `**Desired availability:** ${input.desiredAvailability ?? '—'}`,
      `**Contacts:** ${input.contacts.map((c) => `${c.name} <${c.email}>`).join(', ')}`,
    ].join('\n'),
  };
}

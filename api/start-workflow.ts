/** Starting a request's workflow: from a create call, and again wherever one may be missing. */
import type { Client } from '@temporalio/client';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/common';
import type { Db } from '../db/database';
import { stockholmTimeOn } from '../domain/working-days';
import { findRequestsWithoutProgress, getLicenseRequest } from '../db/repositories/license-requests';
import { toLicenseRequestView, type LicenseRequestView } from './services/license-request-view';
import {
  licenseRequestWorkflowId,
  SearchAttributes,
  workflowSummary,
  type LicenseRequestInput,
} from '../workflows/definitions';
import type { licenseRequestWorkflow } from '../workflows/license-request';

export function workflowInputOf(request: LicenseRequestView): LicenseRequestInput & { contacts: string[] } {
  return {
    requestId: request.id,
    partnerId: request.partnerId,
    organisation: request.organisation,
    schoolIds: request.schools.map((s) => s.skolonId),
    desiredAvailability: request.desiredAvailability,
    createdAt: request.createdAt,
    contacts: request.contacts.map((c) => `${c.name} <${c.email}>`),
  };
}

/** How long a single call to Temporal (start, describe) may take before the API gives up with 503. */
export const TEMPORAL_CALL_TIMEOUT_MS = 5_000;

/** Starts the workflow of a stored request; a workflow already there (running or not) is kept. */
export async function startLicenseRequestWorkflow(
  temporal: Client,
  taskQueue: string,
  { contacts, ...input }: LicenseRequestInput & { contacts: string[] },
): Promise<void> {
  try {
    // Bounded: when Temporal does not answer, the caller gets a 503 in seconds, not a hang.
    await temporal.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
      temporal.workflow.start<typeof licenseRequestWorkflow>('licenseRequestWorkflow', {
        workflowId: licenseRequestWorkflowId(input.requestId),
        taskQueue,
        args: [input],
        // One workflow per request, ever: a retried start finds the one already there.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
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
          `**Schools:** ${input.schoolIds.length}`,
          `**Desired availability:** ${input.desiredAvailability ?? '—'}`,
          `**Contacts:** ${contacts.join(', ')}`,
        ].join('\n'),
      }),
    );
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Starts the workflows of requests that were stored but never started (the API died between the
 * two steps of a create). Such a request has nothing in its history but CREATED; starting one that
 * does have a workflow is harmless (see startLicenseRequestWorkflow). Returns how many it started.
 */
export async function startMissingWorkflows(
  db: Db,
  temporal: Client,
  taskQueue: string,
  olderThanMs = 60_000,
): Promise<number> {
  const candidates = await findRequestsWithoutProgress(db, new Date(Date.now() - olderThanMs));
  let started = 0;
  for (const { id } of candidates) {
    try {
      await temporal.workflow.getHandle(licenseRequestWorkflowId(id)).describe();
      continue; // it has a workflow, which simply has not written anything yet
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) continue; // cannot tell now: the next run will
    }
    const request = await getLicenseRequest(db, id);
    if (request) {
      await startLicenseRequestWorkflow(temporal, taskQueue, workflowInputOf(toLicenseRequestView(request)));
      started++;
    }
  }
  return started;
}

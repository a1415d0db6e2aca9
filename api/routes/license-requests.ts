import crypto from 'node:crypto';
import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Client } from '@temporalio/client';

import type { Db } from '../../db/database';
import { findPartner } from '../../db/repositories/partners';
import {
  answerSummary,
  deleteLicenseRequest,
  findRequestHeader,
  getLicenseRequest,
  insertLicenseRequest,
  listLicenseRequests,
  type LicenseRequestView,
} from '../../db/repositories/license-requests';
import {
  answerUpdate,
  assignSchoolsUpdate,
  FINISHED_STATUSES,
  licenseRequestWorkflowId,
  withdrawUpdate,
  type LicenseRequestState,
} from '../../workflows/definitions';
import { startLicenseRequestWorkflow, TEMPORAL_CALL_TIMEOUT_MS, workflowInputOf } from '../start-workflow';
import { actorOf, caller, requireAdmin, requirePartner } from '../auth';
import { badRequest, conflict, HttpError, notFound } from '../errors';
import {
  answerBody,
  assignmentsBody,
  createLicenseRequestBody,
  listQuery,
  requestIdParam,
  withdrawBody,
} from '../schemas';
import { body, params, query } from '../validate';
import { businessMetrics } from '../../observability/metrics';

export interface LicenseRequestRouterDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

function encodeCursor(position: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const time = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
    // Cursors carry a creation time of this service's own lifetime; anything else is forged.
    const plausible = time >= Date.UTC(2000, 0, 1) && time <= Date.UTC(3000, 0, 1);
    // A NUL in a forged cursor is refused here rather than sent to PostgreSQL.
    if (
      plausible &&
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      id.length <= 100 &&
      !id.includes('\0')
    ) {
      return { createdAt, id };
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('The cursor is not one this API handed out.', [{ field: 'cursor', message: 'unknown cursor' }]);
}

function fingerprint(value: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** How long an API call waits for the workflow to accept and apply an update. */
const UPDATE_TIMEOUT_MS = 20_000;

export function licenseRequestsRouter({ db, temporal, taskQueue }: LicenseRequestRouterDeps): Router {
  const router = Router();

  /** The request if the caller may see it; another partner's request is "not found". */
  async function visibleRequest(req: Request): Promise<LicenseRequestView> {
    const { id } = params(req, requestIdParam);
    const request = await getLicenseRequest(db, id);
    const c = caller(req);
    if (!request || (c.role === 'partner' && request.partnerId !== c.partner.id)) throw notFound();
    return request;
  }

  /** Checks ownership and that the request is still open, before asking its workflow. */
  async function openRequestOf(req: Request, partnerId: string | undefined, what: string): Promise<string> {
    const { id } = params(req, requestIdParam);
    const header = await findRequestHeader(db, id);
    if (!header || (partnerId !== undefined && header.partnerId !== partnerId)) throw notFound();
    if (FINISHED_STATUSES.includes(header.status)) {
      throw conflict(`The request is ${header.status}: it cannot be ${what} now.`);
    }
    return id;
  }

  /** True only when Temporal confirms the request's workflow exists. */
  async function workflowConfirmed(id: string): Promise<boolean> {
    try {
      await temporal.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
        temporal.workflow.getHandle(licenseRequestWorkflowId(id)).describe(),
      );
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends an update and waits for its result, for a bounded time: a worker that is down must not
   * leave the caller hanging (it gets 503 and retries). A request whose workflow was never started
   * (the API died between storing it and starting it) gets its workflow now.
   */
  async function update<Arg>(
    req: Request,
    id: string,
    definition: UpdateDefinition<LicenseRequestState, [Arg]>,
    arg: Arg,
  ): Promise<void> {
    // With an Idempotency-Key, a retried call is the same update to Temporal, which answers it with
    // the first call's outcome instead of applying (or refusing) it again.
    const key = req.get('idempotency-key')?.trim();
    const updateId = key ? `${definition.name}:${key}`.slice(0, 255) : undefined;
    const send = () =>
      temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
        temporal.workflow
          .getHandle(licenseRequestWorkflowId(id))
          .executeUpdate(definition, { args: [arg], ...(updateId && { updateId }) }),
      );
    try {
      await send();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const stored = await getLicenseRequest(db, id);
      if (!stored || FINISHED_STATUSES.includes(stored.status)) throw error;
      await startLicenseRequestWorkflow(temporal, taskQueue, workflowInputOf(stored));
      await send();
    }
  }

  router.post('/license-requests', async (req, res) => {
    requireAdmin(req);
    const input = body(req, createLicenseRequestBody);
    const idempotencyKey = req.get('idempotency-key')?.trim();
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 200)) {
      throw badRequest('Idempotency-Key must be 1 to 200 characters.', [
        { field: 'Idempotency-Key', message: 'bad length' },
      ]);
    }
    if (!(await findPartner(db, input.partnerId))) {
      throw badRequest(`There is no partner "${input.partnerId}".`, [
        { field: 'partnerId', message: 'unknown partner' },
      ]);
    }
    const requestId = crypto.randomUUID();
    const createdAt = new Date();
    const outcome = await insertLicenseRequest(
      db,
      {
        id: requestId,
        partnerId: input.partnerId,
        organisation: input.organisation,
        schools: input.schools,
        desiredAvailability: input.desiredAvailability ?? null,
        contacts: input.contacts,
        createdAt,
      },
      idempotencyKey ? { key: idempotencyKey, fingerprint: fingerprint(input) } : undefined,
    );
    if (outcome.kind === 'replayed' && outcome.fingerprint !== fingerprint(input)) {
      throw conflict('This Idempotency-Key was used with a different request body.', 'idempotency_key_reused');
    }
    const stored = await getLicenseRequest(db, outcome.id);
    if (!stored) throw notFound();
    // A replay of a finished request starts nothing: its workflow may be gone after retention.
    if (!(outcome.kind === 'replayed' && FINISHED_STATUSES.includes(stored.status))) {
      try {
        // Also on a replay: if the first call died before starting the workflow, this starts it.
        await startLicenseRequestWorkflow(temporal, taskQueue, workflowInputOf(stored));
      } catch (error) {
        // The caller hears "not created" (503), so nothing may stay behind: the request goes unless
        // Temporal confirms that the start went through after all, in which case both stay.
        if (outcome.kind === 'created' && !(await workflowConfirmed(stored.id)))
          await deleteLicenseRequest(db, stored.id);
        throw error;
      }
    }
    if (outcome.kind === 'created') businessMetrics.requestCreated();
    res.status(201).location(`/v1/license-requests/${stored.id}`).json(stored);
  });

  router.get('/license-requests', async (req, res) => {
    const q = query(req, listQuery);
    const c = caller(req);
    if (c.role === 'partner' && q.partnerId !== undefined && q.partnerId !== c.partner.id) {
      throw new HttpError(403, 'forbidden', 'A partner can only list its own requests.');
    }
    const partnerId = c.role === 'partner' ? c.partner.id : q.partnerId;
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    const [page, summary] = await Promise.all([
      listLicenseRequests(db, { partnerId, status: q.status, limit: q.limit, cursor }),
      answerSummary(db, partnerId),
    ]);
    res.json({ summary, items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  router.get('/license-requests/:id', async (req, res) => {
    res.json(await visibleRequest(req));
  });

  router.post('/license-requests/:id/answer', async (req, res) => {
    const partner = requirePartner(req);
    const id = await openRequestOf(req, partner.id, 'answered');
    const { response, schools } = body(req, answerBody);
    if (response === 'NO' && schools !== undefined) {
      throw badRequest('A NO answer cannot name schools.', [{ field: 'schools', message: 'only with YES' }]);
    }
    await update(req, id, answerUpdate, { response, schools, by: actorOf(caller(req)) });
    res.json(await getLicenseRequest(db, id));
  });

  /**
   * A retried last assignment may arrive after the request COMPLETED (or race the call that
   * completed it): assigning schools that are already assigned changes nothing and is not an error.
   */
  async function completedWithAll(req: Request, schools: string[]): Promise<LicenseRequestView | undefined> {
    const request = await visibleRequest(req);
    if (request.status !== 'COMPLETED') return undefined;
    const assigned = new Set(request.schools.filter((s) => s.assignment === 'ASSIGNED').map((s) => s.skolonId));
    return schools.every((id) => assigned.has(id)) ? request : undefined;
  }

  router.post('/license-requests/:id/assignments', async (req, res) => {
    const partner = requirePartner(req);
    await visibleRequest(req); // 404 before 400: another partner's request does not exist
    const { schools } = body(req, assignmentsBody);
    const done = await completedWithAll(req, schools);
    if (done) {
      res.json(done);
      return;
    }
    try {
      const id = await openRequestOf(req, partner.id, 'assigned');
      await update(req, id, assignSchoolsUpdate, { schools, by: actorOf(caller(req)) });
      res.json(await getLicenseRequest(db, id));
    } catch (error) {
      const raced = await completedWithAll(req, schools);
      if (!raced) throw error;
      res.json(raced);
    }
  });

  router.post('/license-requests/:id/withdraw', async (req, res) => {
    requireAdmin(req);
    const id = await openRequestOf(req, undefined, 'withdrawn');
    body(req, withdrawBody);
    await update(req, id, withdrawUpdate, { by: actorOf(caller(req)) });
    res.json(await getLicenseRequest(db, id));
  });

  return router;
}

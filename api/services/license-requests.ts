/**
 * What can be done with license requests, whoever asks: the JSON API (api/routes) and the partner
 * portal (portal/) call these same functions, so validation, ownership, the 404/409 decisions,
 * Idempotency-Key handling and the workflow updates exist once. Callers pass what they received
 * (raw ids, bodies, queries); everything is validated here with the API's zod schemas and every
 * refusal is an HttpError (api/services/errors.ts). The rows the repositories return become the
 * API's representation here (license-request-view.ts).
 */
import crypto from 'node:crypto';
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Client } from '@temporalio/client';

import type { Db } from '../../db/database';
import { findPartner } from '../../db/repositories/partners';
import {
  answerSummary,
  claimUpdateIdempotencyKey,
  deleteLicenseRequest,
  releaseUpdateIdempotencyKey,
  findRequestHeader,
  getLicenseRequest,
  insertLicenseRequest,
  listLicenseRequests,
} from '../../db/repositories/license-requests';
import {
  answerUpdate,
  assignSchoolsUpdate,
  FINISHED_STATUSES,
  licenseRequestWorkflowId,
  withdrawUpdate,
  type LicenseRequestOutcome,
  type Status,
} from '../../workflows/definitions';
import { startLicenseRequestWorkflow, TEMPORAL_CALL_TIMEOUT_MS, workflowInputOf } from '../start-workflow';
import { actorOf, type Caller } from './caller';
import { badRequest, conflict, HttpError, notFound, toHttpError } from './errors';
import {
  answerBody,
  CURSOR,
  assignmentsBody,
  createLicenseRequestBody,
  listQuery,
  requestIdParam,
  withdrawBody,
} from '../schemas';
import { parse } from '../validate';
import { businessMetrics } from '../../observability/metrics';
import {
  toLicenseRequestSummaryView,
  toLicenseRequestView,
  type LicenseRequestSummaryView,
  type LicenseRequestView,
} from './license-request-view';
import type { Partner } from './partners';

export interface LicenseRequestServiceDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export interface LicenseRequestList {
  summary: { answered: number; notAnswered: number };
  items: LicenseRequestSummaryView[];
  nextCursor: string | null;
}

export interface LicenseRequestService {
  /** Admin: stores a request and starts its workflow (a retry with the same key gets the same request). */
  create(input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  /** A partner's own requests, or (admin) everyone's; newest first, with the answered summary. */
  list(viewer: Caller, query: unknown): Promise<LicenseRequestList>;
  /** The request if the viewer may see it; another partner's request is "not found". */
  get(viewer: Caller, id: unknown): Promise<LicenseRequestView>;
  answer(partner: Partner, id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  assign(partner: Partner, id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  withdraw(id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
}

/** `<created, ms since 1970>_<id>`: see CURSOR in api/schemas.ts. */
function encodeCursor(position: { createdAt: string; id: string }): string {
  return `${Date.parse(position.createdAt)}_${position.id}`;
}

/** The cursor has passed CURSOR already, so both parts are sound: the time is a real date. */
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [, millis, id] = CURSOR.exec(cursor) ?? [];
  if (millis === undefined || id === undefined) {
    throw badRequest('The cursor is not one this API handed out.', [{ field: 'cursor', message: 'unknown cursor' }]);
  }
  return { createdAt: new Date(Number(millis)).toISOString(), id };
}

function fingerprint(value: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** How long a call waits for the workflow to accept and apply an update. */
export const UPDATE_TIMEOUT_MS = 20_000;

export function createLicenseRequestService({
  db,
  temporal,
  taskQueue,
}: LicenseRequestServiceDeps): LicenseRequestService {
  const requestId = (id: unknown): string => parse(requestIdParam, { id }, 'params').id;

  /** The request as the API returns it, if it is stored. */
  async function read(id: string): Promise<LicenseRequestView | undefined> {
    const row = await getLicenseRequest(db, id);
    return row && toLicenseRequestView(row);
  }

  async function visible(viewer: Caller, rawId: unknown): Promise<LicenseRequestView> {
    const request = await read(requestId(rawId));
    if (!request || (viewer.role === 'partner' && request.partnerId !== viewer.partner.id)) throw notFound();
    return request;
  }

  const finishedConflict = (status: string, what: string) =>
    conflict(`The request is ${status}: it cannot be ${what} now.`);

  /**
   * Checks ownership and that the request is still open, before asking its workflow. A finished
   * request is still asked when the call carries an Idempotency-Key: the call that finished it may
   * be this one, retried (say, after the API died before answering), and then the workflow hands
   * back that call's outcome; any other update it refuses, which is the 409 (see `update`).
   */
  async function openRequest(
    rawId: unknown,
    partnerId: string | undefined,
    what: string,
    idempotencyKey: string | undefined,
  ): Promise<string> {
    const id = requestId(rawId);
    const header = await findRequestHeader(db, id);
    if (!header || (partnerId !== undefined && header.partner_id !== partnerId)) throw notFound();
    if (FINISHED_STATUSES.includes(header.status as Status) && !idempotencyKey?.trim()) {
      throw finishedConflict(header.status, what);
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
    id: string,
    definition: UpdateDefinition<LicenseRequestOutcome, [Arg]>,
    arg: Arg,
    idempotencyKey: string | undefined,
    what: string,
  ): Promise<void> {
    // With an Idempotency-Key, a retried call is the same update to Temporal, which answers it with
    // the first call's outcome instead of applying (or refusing) it again, also once the workflow
    // has finished.
    const key = idempotencyKey?.trim() || undefined;
    // Temporal takes update ids up to 255 characters: a longer key is hashed, never cut (two keys
    // that share a prefix must not become one update).
    const raw = key ? `${definition.name}:${key}` : undefined;
    const updateId = raw && raw.length > 255 ? `${definition.name}:sha256:${fingerprint(key)}` : raw;
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
      const stored = await read(id);
      if (!stored) throw error;
      // A finished workflow that does not know this update: the request cannot change any more.
      if (FINISHED_STATUSES.includes(stored.status)) throw finishedConflict(stored.status, what);
      await startLicenseRequestWorkflow(temporal, taskQueue, workflowInputOf(stored));
      await send();
    }
  }

  /**
   * An Idempotency-Key makes a retry of the same call safe; used again with a different body it is
   * refused (409 idempotency_key_reused) before anything is sent, because Temporal would answer
   * that update with the first call's outcome and the caller would believe its new body applied.
   * The key is claimed with a fingerprint of the body, as creates do, and given back when the call
   * is refused (nothing was done under it), so a corrected body may use it.
   */
  async function withIdempotencyKey<T>(
    id: string,
    what: string,
    idempotencyKey: string | undefined,
    body: unknown,
    run: () => Promise<T>,
  ): Promise<T> {
    const key = idempotencyKey?.trim();
    if (!key) return run();
    const claim = {
      // Hashed: any length fits, and an update's key never meets a create's.
      key: `update:${fingerprint([what, id, key])}`,
      fingerprint: fingerprint(body),
      requestId: id,
    };
    const first = await claimUpdateIdempotencyKey(db, claim);
    if (first.fingerprint !== claim.fingerprint) {
      throw conflict('This Idempotency-Key was used with a different request body.', 'idempotency_key_reused');
    }
    try {
      return await run();
    } catch (error) {
      // Only a refusal (4xx) is certain to have done nothing; after a 503 the update may still apply.
      if (first.claimed && toHttpError(error).status < 500) {
        await releaseUpdateIdempotencyKey(db, claim).catch(() => undefined);
      }
      throw error;
    }
  }

  async function stored(id: string): Promise<LicenseRequestView> {
    const request = await read(id);
    if (!request) throw notFound();
    return request;
  }

  /**
   * A retried last assignment may arrive after the request COMPLETED (or race the call that
   * completed it): assigning schools that are already assigned changes nothing and is not an error.
   */
  async function completedWithAll(
    partner: Partner,
    rawId: unknown,
    schools: string[],
  ): Promise<LicenseRequestView | undefined> {
    const request = await visible({ role: 'partner', partner }, rawId);
    if (request.status !== 'COMPLETED') return undefined;
    const assigned = new Set(request.schools.filter((s) => s.assignment === 'ASSIGNED').map((s) => s.skolonId));
    return schools.every((id) => assigned.has(id)) ? request : undefined;
  }

  return {
    async create(rawInput, rawIdempotencyKey) {
      const input = parse(createLicenseRequestBody, rawInput ?? {}, 'body');
      const idempotencyKey = rawIdempotencyKey?.trim();
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
      const outcome = await insertLicenseRequest(
        db,
        {
          id: crypto.randomUUID(),
          partnerId: input.partnerId,
          organisation: input.organisation,
          schools: input.schools,
          desiredAvailability: input.desiredAvailability ?? null,
          contacts: input.contacts,
          createdAt: new Date(),
        },
        idempotencyKey ? { key: idempotencyKey, fingerprint: fingerprint(input) } : undefined,
      );
      if (outcome.kind === 'replayed' && outcome.fingerprint !== fingerprint(input)) {
        throw conflict('This Idempotency-Key was used with a different request body.', 'idempotency_key_reused');
      }
      const request = await stored(outcome.id);
      // A replay of a finished request starts nothing: its workflow may be gone after retention.
      if (!(outcome.kind === 'replayed' && FINISHED_STATUSES.includes(request.status))) {
        try {
          // Also on a replay: if the first call died before starting the workflow, this starts it.
          await startLicenseRequestWorkflow(temporal, taskQueue, workflowInputOf(request));
        } catch (error) {
          // The caller hears "not created" (503), so nothing may stay behind: the request goes unless
          // Temporal confirms that the start went through after all, in which case both stay.
          if (outcome.kind === 'created' && !(await workflowConfirmed(request.id)))
            await deleteLicenseRequest(db, request.id);
          throw error;
        }
      }
      if (outcome.kind === 'created') businessMetrics.requestCreated();
      return request;
    },

    async list(viewer, rawQuery) {
      const q = parse(listQuery, rawQuery, 'query');
      if (viewer.role === 'partner' && q.partnerId !== undefined && q.partnerId !== viewer.partner.id) {
        throw new HttpError(403, 'forbidden', 'A partner can only list its own requests.');
      }
      const partnerId = viewer.role === 'partner' ? viewer.partner.id : q.partnerId;
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      const [page, counts] = await Promise.all([
        listLicenseRequests(db, { partnerId, status: q.status, limit: q.limit, cursor }),
        answerSummary(db, partnerId),
      ]);
      const items = page.rows.map(toLicenseRequestSummaryView);
      const last = items[items.length - 1];
      return {
        summary: { answered: counts.answered, notAnswered: counts.not_answered },
        items,
        nextCursor: page.more && last ? encodeCursor(last) : null,
      };
    },

    get: visible,

    async answer(partner, rawId, rawInput, idempotencyKey) {
      const id = await openRequest(rawId, partner.id, 'answered', idempotencyKey);
      const { response, schools } = parse(answerBody, rawInput ?? {}, 'body');
      if (response === 'NO' && schools !== undefined) {
        throw badRequest('A NO answer cannot name schools.', [{ field: 'schools', message: 'only with YES' }]);
      }
      const by = actorOf({ role: 'partner', partner });
      const body = { response, schools: schools && [...new Set(schools)].sort() };
      await withIdempotencyKey(id, 'answer', idempotencyKey, body, () =>
        update(id, answerUpdate, { response, schools, by }, idempotencyKey, 'answered'),
      );
      return stored(id);
    },

    async assign(partner, rawId, rawInput, idempotencyKey) {
      const { id: visibleId } = await visible({ role: 'partner', partner }, rawId); // 404 before 400: another partner's request does not exist
      const { schools } = parse(assignmentsBody, rawInput ?? {}, 'body');
      return withIdempotencyKey(
        visibleId,
        'assign',
        idempotencyKey,
        { schools: [...new Set(schools)].sort() },
        async () => {
          const done = await completedWithAll(partner, rawId, schools);
          if (done) return done;
          try {
            const id = await openRequest(rawId, partner.id, 'assigned', idempotencyKey);
            const by = actorOf({ role: 'partner', partner });
            await update(id, assignSchoolsUpdate, { schools, by }, idempotencyKey, 'assigned');
            return await stored(id);
          } catch (error) {
            const raced = await completedWithAll(partner, rawId, schools);
            if (!raced) throw error;
            return raced;
          }
        },
      );
    },

    async withdraw(rawId, rawInput, idempotencyKey) {
      const id = await openRequest(rawId, undefined, 'withdrawn', idempotencyKey);
      parse(withdrawBody, rawInput ?? {}, 'body');
      await update(id, withdrawUpdate, { by: actorOf({ role: 'admin' }) }, idempotencyKey, 'withdrawn');
      return stored(id);
    },
  };
}

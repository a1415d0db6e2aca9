/**
 * What can be done with license requests, whoever asks: the JSON API (api/routes) and the partner
 * portal (portal/) call these same functions, so validation, ownership, the 404/409 decisions,
 * Idempotency-Key handling and the workflow updates exist once. Callers pass what they received
 * (raw ids, bodies, queries); everything is validated here with the API's zod schemas and every
 * refusal is an HttpError (services/errors.ts). The rows the repositories return become the
 * API's representation here (license-request-view.ts).
 */
import crypto from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Client } from '@temporalio/client';

import type { Db } from '../db/database';
import { findPartner } from '../db/repositories/partners';
import {
  answerSummary,
  claimUpdateIdempotencyKey,
  findCreateIdempotencyKey,
  releaseUpdateIdempotencyKey,
  findRequestHeader,
  getLicenseRequest,
  listLicenseRequests,
} from '../db/repositories/license-requests';
import {
  assignmentChangesNothing,
  extendedDeadline,
  factsOf,
  inputRefusal,
  invalidDeadline,
  isFinal,
  isFinished,
  statusRefusal,
  type Action,
  type LicenseRequestInput,
  type LicenseRequestOutcome,
  type PartnerResponse,
  type Refusal,
  type RequestFacts,
  type Status,
} from '../domain/license-request';
import { swedishCalendar, type IsoDate } from '../domain/working-days';
import {
  answerUpdate,
  assignSchoolsUpdate,
  extendDeadlineUpdate,
  licenseRequestWorkflowId,
  reopenUpdate,
  resendNotificationUpdate,
  statusQuery,
  withdrawUpdate,
} from '../workflows/definitions';
import { createLicenseRequestWorkflow } from './start-workflow';
import { actorOf, type Caller, type PartnerCaller } from './caller';
import { badRequest, conflict, fromZod, HttpError, notFound, refused, toHttpError } from './errors';
import {
  answerBody,
  CURSOR,
  assignmentsBody,
  createLicenseRequestBody,
  extendDeadlineBody,
  listQuery,
  reopenBody,
  requestIdParam,
  resendNotificationBody,
  withdrawBody,
} from './schemas';
import { parse } from './validate';
import {
  toLicenseRequestSummaryView,
  toLicenseRequestView,
  type LicenseRequestSummaryView,
  type LicenseRequestView,
} from './license-request-view';
import { businessMetrics } from '../observability/metrics';

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
  /** Admin: starts a request's workflow, which stores the request (a retry with the same key gets the same request). */
  create(input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  /** A partner's own requests, or (admin) everyone's; newest first, with the answered summary. */
  list(viewer: Caller, query: unknown): Promise<LicenseRequestList>;
  /** The request if the viewer may see it; another partner's request is "not found". */
  get(viewer: Caller, id: unknown): Promise<LicenseRequestView>;
  /** The partner answers: through its API key, or one of its people in the portal (`caller.user`, named in the history). */
  answer(caller: PartnerCaller, id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  assign(caller: PartnerCaller, id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  withdraw(id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  /** Support (admin): moves the assignment deadline to the end of a later working day. */
  extendDeadline(id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  /** Support (admin): a DECLINED request awaits an answer again (a NO given by mistake). */
  reopen(id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
  /** Support (admin): the partner gets the mail for the request's current status again. */
  resendNotification(id: unknown, input: unknown, idempotencyKey?: string): Promise<LicenseRequestView>;
}

/** `<created, ms since 1970>_<id>`: see CURSOR in services/schemas.ts. */
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

/**
 * A request id made from a create's Idempotency-Key (a name-based UUID, RFC 9562 version 5): every
 * retry of that create names the same request, and so the same workflow, even while the first call
 * is still under way.
 */
function requestIdForKey(key: string): string {
  const hash = crypto.createHash('sha1').update(CREATE_KEY_NAMESPACE).update(key, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
/** This service's namespace for those ids (a random UUID, fixed once). */
const CREATE_KEY_NAMESPACE = Buffer.from('2f0d6c3e9a8b4e61b7c5d4e3f2a1b0c9', 'hex');

const keyReused = () =>
  conflict('This Idempotency-Key was used with a different request body.', 'idempotency_key_reused');

/**
 * The extension's body. A date that is text but no real date is a bad deadline like a Sunday is
 * (400 invalid_deadline, naming `date`); anything else wrong is the usual invalid_request.
 */
function parseExtension(raw: unknown): { date: IsoDate; reason: string } {
  const result = extendDeadlineBody.safeParse(raw ?? {});
  if (result.success) return result.data;
  const error = fromZod(result.error, 'body');
  const dateOnly = result.error.issues.every((issue) => issue.path[0] === 'date');
  if (dateOnly && typeof (raw as { date?: unknown } | null)?.date === 'string') {
    throw new HttpError(400, 'invalid_deadline', 'The new deadline must be a real date as YYYY-MM-DD.', error.details);
  }
  throw error;
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

  /** The owner and the state from the read model, as the rulebook reads them. */
  async function facts(id: string): Promise<(RequestFacts & { partnerId: string }) | undefined> {
    const row = await findRequestHeader(db, id);
    return (
      row && {
        partnerId: row.partner_id,
        status: row.status as Status,
        response: row.response as PartnerResponse,
        deadline: row.deadline ? row.deadline.toISOString() : null,
      }
    );
  }

  async function visible(viewer: Caller, rawId: unknown): Promise<LicenseRequestView> {
    const request = await read(requestId(rawId));
    if (!request || (viewer.role === 'partner' && request.partnerId !== viewer.partner.id)) throw notFound();
    return request;
  }

  /**
   * The rulebook's answer from the read model, before asking the workflow: a refusal that no later
   * status lifts (an answered, finished or withdrawn request) is final, so the call is refused here.
   * With an Idempotency-Key it goes to the workflow all the same: the call that made the refusal
   * may be this one, retried (say, after the API died before answering), and then the workflow hands
   * back that call's outcome; any other update it refuses, which is the 409 (see `update`). Other
   * refusals (assigning before the YES is in the read model) are the workflow's to decide. A
   * finished request is refused before the body is read, an open one after (`whileFinished`).
   * Without a key, a running workflow confirms the refusal first (`confirmedByWorkflow`).
   */
  async function refuseFinal(
    request: RequestFacts & { id: string },
    action: Action,
    caller: Caller,
    idempotencyKey: string | undefined,
    whileFinished = false,
  ): Promise<void> {
    if (whileFinished && !isFinished(request.status)) return;
    const refusal = statusRefusal(request, action, caller.role);
    if (!refusal) return;
    if (refusal.code === 'WRONG_ROLE') throw refused(refusal);
    if (!isFinal(refusal) || idempotencyKey?.trim()) return;
    const confirmed = await confirmedByWorkflow(request.id, refusal, caller);
    if (confirmed) throw refused(confirmed);
  }

  /**
   * The read model can run ahead of the workflow: a local activity's write lands before its
   * workflow task is recorded, and when the worker dies in between, the workflow never made that
   * change (nor, once its update is lost, will it). So a refusal read there stands only once the
   * workflow's own state gives it too, or the workflow has closed (its writes are then all its own).
   * Undefined: the workflow would take the call, which then goes to it. Workers away: 503.
   */
  async function confirmedByWorkflow(id: string, refusal: Refusal, caller: Caller): Promise<Refusal | undefined> {
    const handle = temporal.workflow.getHandle(licenseRequestWorkflowId(id));
    try {
      return await temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, async () => {
        if ((await handle.describe()).status.name !== 'RUNNING') return refusal;
        const state = await handle.query(statusQuery);
        const confirmed = statusRefusal(state, refusal.action, caller.role);
        return confirmed && isFinal(confirmed) ? confirmed : undefined;
      });
    } catch (error) {
      // Gone after retention: the read model is all there is, and it was the workflow's to the end.
      if (error instanceof WorkflowNotFoundError) return refusal;
      throw error;
    }
  }

  /** The request's id, owner and state; another partner's request is "not found". */
  async function header(rawId: unknown, caller: Caller) {
    const id = requestId(rawId);
    const found = await facts(id);
    if (!found || (caller.role === 'partner' && found.partnerId !== caller.partner.id)) throw notFound();
    return { id, ...found };
  }

  /**
   * Sends an update and waits for its result, for a bounded time: a worker that is down must not
   * leave the caller hanging (it gets 503 and retries).
   */
  async function update<Arg>(
    id: string,
    definition: UpdateDefinition<LicenseRequestOutcome, [Arg]>,
    arg: Arg,
    idempotencyKey: string | undefined,
    action: Action,
    caller: Caller,
  ): Promise<void> {
    // With an Idempotency-Key, a retried call is the same update to Temporal, which answers it with
    // the first call's outcome instead of applying (or refusing) it again, also once the workflow
    // has finished.
    const key = idempotencyKey?.trim() || undefined;
    // Temporal takes update ids up to 255 characters: a longer key is hashed, never cut (two keys
    // that share a prefix must not become one update).
    const raw = key ? `${definition.name}:${key}` : undefined;
    const updateId = raw && raw.length > 255 ? `${definition.name}:sha256:${fingerprint(key)}` : raw;
    try {
      await temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
        temporal.workflow
          .getHandle(licenseRequestWorkflowId(id))
          .executeUpdate(definition, { args: [arg], ...(updateId && { updateId }) }),
      );
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // A finished workflow that does not know this update: the request cannot change any more.
      const stored = await facts(id);
      const refusal = stored && statusRefusal(stored, action, caller.role);
      if (refusal) throw refused(refusal);
      throw error;
    }
  }

  /**
   * An Idempotency-Key makes a retry of the same call safe; used again with a different body it is
   * refused (409 idempotency_key_reused) before anything is sent, because Temporal would answer
   * that update with the first call's outcome and the caller would believe its new body applied.
   * The key is claimed with a fingerprint of the body, as creates do, and given back when the call
   * is refused (nothing was done under it), so a corrected body may use it. `run` learns whether
   * the call repeats one made before with this key and body, whose outcome only the workflow knows.
   */
  async function withIdempotencyKey<T>(
    id: string,
    what: string,
    idempotencyKey: string | undefined,
    body: unknown,
    run: (repeated: boolean) => Promise<T>,
  ): Promise<T> {
    const key = idempotencyKey?.trim();
    if (!key) return run(false);
    const claim = {
      // Hashed: any length fits, and an update's key never meets a create's.
      key: `update:${fingerprint([what, id, key])}`,
      fingerprint: fingerprint(body),
      requestId: id,
    };
    const first = await claimUpdateIdempotencyKey(db, claim);
    if (first.fingerprint !== claim.fingerprint) throw keyReused();
    try {
      // Not claimed now: a repeat of a call with this key and body (done, under way, or cut off by a 503).
      return await run(!first.claimed);
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
   * Assigning schools the read model shows assigned already changes nothing (a retried call, or one
   * racing the call that completed the request): the request as it is, once the workflow has refused.
   */
  function assignedAlready(request: LicenseRequestView, schools: string[]): LicenseRequestView | undefined {
    return assignmentChangesNothing(factsOf(request), schools) ? request : undefined;
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
      const idempotency = idempotencyKey ? { key: idempotencyKey, fingerprint: fingerprint(input) } : undefined;
      /** The request this key created before (its workflow may be gone after retention), if any. */
      const createdBefore = async (): Promise<LicenseRequestView | undefined> => {
        const earlier = idempotency && (await findCreateIdempotencyKey(db, idempotency.key));
        if (!earlier) return undefined;
        if (earlier.fingerprint !== idempotency.fingerprint) throw keyReused();
        return stored(earlier.requestId);
      };
      const replayed = await createdBefore();
      if (replayed) return replayed;

      const id = idempotency ? requestIdForKey(idempotency.key) : crypto.randomUUID();
      const createdAt = new Date().toISOString();
      const workflowInput: LicenseRequestInput = {
        requestId: id,
        partnerId: input.partnerId,
        organisation: input.organisation,
        schools: input.schools,
        desiredAvailability: input.desiredAvailability ?? null,
        contacts: input.contacts,
        createdAt,
        ...(idempotency && { idempotency }),
      };
      try {
        await createLicenseRequestWorkflow(temporal, taskQueue, workflowInput);
      } catch (error) {
        // A workflow of that id that is closed and does not know the create: not this request's.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const earlier = await createdBefore();
        if (earlier) return earlier;
        throw keyReused();
      }
      // The same key sent at the same moment with another body: the first body made the request.
      const request = (await createdBefore()) ?? (await stored(id));
      // Counted once: a retry that found the workflow of an earlier call finds that call's request.
      if (request.createdAt === createdAt) businessMetrics.requestCreated();
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

    async answer(caller, rawId, rawInput, idempotencyKey) {
      const request = await header(rawId, caller);
      await refuseFinal(request, 'answer', caller, idempotencyKey, true);
      const { response, schools } = parse(answerBody, rawInput ?? {}, 'body');
      // What the call names, as far as the read model's header tells (the schools are the workflow's to check).
      const wrongInput = inputRefusal(request, 'answer', { response, schools });
      if (wrongInput) throw refused(wrongInput);
      await refuseFinal(request, 'answer', caller, idempotencyKey);
      const by = actorOf(caller);
      const body = { response, schools: schools && [...new Set(schools)].sort() };
      await withIdempotencyKey(request.id, 'answer', idempotencyKey, body, () =>
        update(request.id, answerUpdate, { response, schools, by }, idempotencyKey, 'answer', caller),
      );
      return stored(request.id);
    },

    async assign(caller, rawId, rawInput, idempotencyKey) {
      // One read serves the ownership (404 before 400), "assigned already" and the status checks: a
      // call that races another is caught below, where the request is read again.
      const request = await visible(caller, rawId);
      const { id } = request;
      const { schools } = parse(assignmentsBody, rawInput ?? {}, 'body');
      return withIdempotencyKey(id, 'assign', idempotencyKey, { schools: [...new Set(schools)].sort() }, async () => {
        try {
          // Schools the read model shows assigned are still sent to the workflow (which answers a
          // repeat with the first outcome, or refuses it once finished: see below). A workflow's write
          // can reach the read model before the workflow task that made it is recorded; when a worker
          // dies in between, that assignment is the workflow's to make again, and only a call that
          // reaches it makes it (chaos: COMPLETED in the read model, the workflow still waiting).
          if (!assignedAlready(request, schools)) {
            await refuseFinal({ id, ...factsOf(request) }, 'assign', caller, idempotencyKey);
          }
          await update(id, assignSchoolsUpdate, { schools, by: actorOf(caller) }, idempotencyKey, 'assign', caller);
          return await stored(id);
        } catch (error) {
          // Only the workflow's refusal (4xx) may be answered from the read model: after a timeout or
          // an outage (5xx) the read model can hold a write whose workflow task was never recorded
          // (its worker died), which the workflow will not make unless the caller's retry reaches it.
          if (toHttpError(error).status >= 500) throw error;
          const raced = assignedAlready(await visible(caller, id), schools);
          if (!raced) throw error;
          return raced;
        }
      });
    },

    async withdraw(rawId, rawInput, idempotencyKey) {
      const caller: Caller = { role: 'admin' };
      const request = await header(rawId, caller);
      await refuseFinal(request, 'withdraw', caller, idempotencyKey, true);
      parse(withdrawBody, rawInput ?? {}, 'body');
      await update(request.id, withdrawUpdate, { by: actorOf(caller) }, idempotencyKey, 'withdraw', caller);
      return stored(request.id);
    },

    async extendDeadline(rawId, rawInput, idempotencyKey) {
      const caller: Caller = { role: 'admin' };
      const request = await header(rawId, caller);
      await refuseFinal(request, 'extend', caller, idempotencyKey, true);
      const { date, reason } = parseExtension(rawInput);
      await refuseFinal(request, 'extend', caller, idempotencyKey);
      await withIdempotencyKey(request.id, 'extend', idempotencyKey, { date, reason }, async (repeated) => {
        // The rulebook's check on the deadline the read model shows (none yet: any date is after it),
        // so that a bad date never reaches the workflow, which decides again on the one it holds. A
        // repeat is the workflow's to answer, with the first call's outcome, though the read model may
        // show that call's date by now.
        if (!repeated) {
          const now = new Date();
          const current = request.deadline ? swedishCalendar.dateOf(new Date(request.deadline)) : '';
          const extended = extendedDeadline(swedishCalendar, current, date, now);
          if ('problem' in extended) throw refused(invalidDeadline(request, extended.problem));
        }
        const input = { date, reason, by: actorOf(caller) };
        await update(request.id, extendDeadlineUpdate, input, idempotencyKey, 'extend', caller);
      });
      return stored(request.id);
    },

    async reopen(rawId, rawInput, idempotencyKey) {
      const caller: Caller = { role: 'admin' };
      const request = await header(rawId, caller);
      await refuseFinal(request, 'reopen', caller, idempotencyKey, true);
      const { reason } = parse(reopenBody, rawInput ?? {}, 'body');
      await refuseFinal(request, 'reopen', caller, idempotencyKey);
      await withIdempotencyKey(request.id, 'reopen', idempotencyKey, { reason }, () =>
        update(request.id, reopenUpdate, { reason, by: actorOf(caller) }, idempotencyKey, 'reopen', caller),
      );
      return stored(request.id);
    },

    async resendNotification(rawId, rawInput, idempotencyKey) {
      const caller: Caller = { role: 'admin' };
      const request = await header(rawId, caller);
      await refuseFinal(request, 'resend', caller, idempotencyKey, true);
      parse(resendNotificationBody, rawInput ?? {}, 'body');
      // With an Idempotency-Key, a retry is the same update, so the partner gets one mail, not two.
      await update(request.id, resendNotificationUpdate, { by: actorOf(caller) }, idempotencyKey, 'resend', caller);
      return stored(request.id);
    },
  };
}

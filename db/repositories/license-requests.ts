/**
 * License requests in the read model: the rows the API, the portal and the mail read, and the
 * writes of the create call and of the workflow. Returns rows as PostgreSQL holds them; the
 * representations (the API's JSON, dates for people) are built by the services that read them.
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import type { ContactRow, HistoryEventRow, LicenseRequestRow, SchoolRow } from '../schema';

/** A request's row with its schools and contacts (in their order) and its history (oldest first). */
export interface LicenseRequestWithDetails extends LicenseRequestRow {
  schools: Array<Pick<SchoolRow, 'skolon_id' | 'name' | 'assignment'>>;
  contacts: Array<Pick<ContactRow, 'name' | 'email'>>;
  /** Empty when read with `history: false`. */
  history: Array<Pick<HistoryEventRow, 'at' | 'event' | 'detail'>>;
}

export interface NewLicenseRequest {
  id: string;
  partnerId: string;
  organisation: { skolonId: string; name: string };
  schools: Array<{ skolonId: string; name: string }>;
  desiredAvailability: string | null;
  contacts: Array<{ name: string; email: string }>;
  createdAt: Date;
}

export type CreateOutcome = { kind: 'created'; id: string } | { kind: 'replayed'; id: string; fingerprint: string };

/**
 * Stores a new request with its schools, contacts and CREATED event in one transaction. With an
 * idempotency key, a key already used returns the request it created instead (a concurrent call
 * with the same key waits for the first one's transaction and then sees its request).
 */
export async function insertLicenseRequest(
  db: Db,
  request: NewLicenseRequest,
  idempotency?: { key: string; fingerprint: string },
): Promise<CreateOutcome> {
  return db
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto('license_request')
        .values({
          id: request.id,
          partner_id: request.partnerId,
          organisation_skolon_id: request.organisation.skolonId,
          organisation_name: request.organisation.name,
          desired_availability: request.desiredAvailability,
          status: 'AWAITING_ANSWER',
          response: 'UNANSWERED',
          number_of_schools: request.schools.length,
          created_at: request.createdAt,
        })
        .execute();
      if (idempotency) {
        const claimed = await trx
          .insertInto('idempotency_key')
          .values({ key: idempotency.key, request_fingerprint: idempotency.fingerprint, request_id: request.id })
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('key')
          .executeTakeFirst();
        if (!claimed) {
          const existing = await trx
            .selectFrom('idempotency_key')
            .select(['request_id', 'request_fingerprint'])
            .where('key', '=', idempotency.key)
            .executeTakeFirstOrThrow();
          // Throwing rolls this transaction back: the new request is not kept.
          throw new IdempotentReplay(existing.request_id, existing.request_fingerprint);
        }
      }
      // Large requests (up to 1000 schools) go in chunks to stay under the parameter limit.
      for (let i = 0; i < request.schools.length; i += 500) {
        await trx
          .insertInto('school')
          .values(
            request.schools.slice(i, i + 500).map((school, j) => ({
              request_id: request.id,
              skolon_id: school.skolonId,
              name: school.name,
              position: i + j,
              assignment: 'PENDING',
            })),
          )
          .execute();
      }
      await trx
        .insertInto('contact')
        .values(
          request.contacts.map((c, position) => ({ request_id: request.id, position, name: c.name, email: c.email })),
        )
        .execute();
      await trx
        .insertInto('history_event')
        .values({
          request_id: request.id,
          event_key: 'created',
          at: request.createdAt,
          event: 'CREATED',
          detail: JSON.stringify({ numberOfSchools: request.schools.length }),
        })
        .execute();
      return { kind: 'created' as const, id: request.id };
    })
    .catch((error: unknown) => {
      if (error instanceof IdempotentReplay) {
        return { kind: 'replayed' as const, id: error.requestId, fingerprint: error.fingerprint };
      }
      throw error;
    });
}

/**
 * Claims an Idempotency-Key for an update of a request (answer, assignments) with a fingerprint of
 * its body, in the table creates use. Resolves with the fingerprint stored first: this call's, when
 * the key is new.
 */
export async function claimUpdateIdempotencyKey(
  db: Db,
  claim: { key: string; fingerprint: string; requestId: string },
): Promise<{ claimed: boolean; fingerprint: string }> {
  const inserted = await db
    .insertInto('idempotency_key')
    .values({ key: claim.key, request_fingerprint: claim.fingerprint, request_id: claim.requestId })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { claimed: true, fingerprint: claim.fingerprint };
  const existing = await db
    .selectFrom('idempotency_key')
    .select('request_fingerprint')
    .where('key', '=', claim.key)
    .executeTakeFirst();
  // Released meanwhile (its first call was refused): claim it again.
  if (!existing) return claimUpdateIdempotencyKey(db, claim);
  return { claimed: false, fingerprint: existing.request_fingerprint };
}

/** Gives a claimed key back: its call was refused, so nothing was done under it. */
export async function releaseUpdateIdempotencyKey(db: Db, claim: { key: string; fingerprint: string }): Promise<void> {
  await db
    .deleteFrom('idempotency_key')
    .where('key', '=', claim.key)
    .where('request_fingerprint', '=', claim.fingerprint)
    .execute();
}

class IdempotentReplay extends Error {
  constructor(
    readonly requestId: string,
    readonly fingerprint: string,
  ) {
    super('idempotency key already used');
  }
}

/** Removes a request that never got its workflow (the start failed), so nothing half-made stays. */
export async function deleteLicenseRequest(db: Db, id: string): Promise<void> {
  await db.deleteFrom('license_request').where('id', '=', id).execute();
}

/**
 * The request with its schools, contacts and (unless not wanted) history, in one query and one
 * round trip: it is read on every API call that returns a request and by every mail.
 */
export async function getLicenseRequest(
  db: Db,
  id: string,
  options: { history?: boolean } = {},
): Promise<LicenseRequestWithDetails | undefined> {
  const row = await db
    .selectFrom('license_request as r')
    .selectAll('r')
    .select([
      sql<LicenseRequestWithDetails['schools']>`(select coalesce(json_agg(json_build_object('skolon_id', s.skolon_id,
        'name', s.name, 'assignment', s.assignment) order by s.position), '[]') from school s
        where s.request_id = r.id)`.as('schools'),
      sql<LicenseRequestWithDetails['contacts']>`(select coalesce(json_agg(json_build_object('name', c.name,
        'email', c.email) order by c.position), '[]') from contact c where c.request_id = r.id)`.as('contacts'),
      options.history === false
        ? sql<HistoryJson[]>`'[]'::json`.as('history')
        : sql<HistoryJson[]>`(select coalesce(json_agg(json_build_object('at_ms', extract(epoch from h.at) * 1000,
            'event', h.event, 'detail', h.detail) order by h.at, h.id), '[]') from history_event h
            where h.request_id = r.id)`.as('history'),
    ])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...row,
    // JSON has no timestamps: the instant travels as milliseconds (PostgreSQL keeps microseconds).
    history: row.history.map(({ at_ms, event, detail }) => ({
      at: new Date(Math.floor(Number(at_ms))),
      event,
      detail,
    })),
  };
}

interface HistoryJson {
  at_ms: number | string;
  event: string;
  detail: unknown;
}

/** Only the owner and the status: what the API needs to decide 404/409 before asking the workflow. */
export async function findRequestHeader(
  db: Db,
  id: string,
): Promise<Pick<LicenseRequestRow, 'partner_id' | 'status'> | undefined> {
  return db.selectFrom('license_request').select(['partner_id', 'status']).where('id', '=', id).executeTakeFirst();
}

/**
 * Requests that were stored but whose workflow may never have started (the API died between the
 * two steps of a create): still AWAITING_ANSWER, older than `createdBefore`, with nothing in their
 * history but CREATED. Newest first: a request orphaned by a crash is recent, while old requests
 * that only wait for their first mail (a long mail outage) could otherwise fill every run.
 */
export async function findRequestsWithoutProgress(
  db: Db,
  createdBefore: Date,
  limit = 500,
): Promise<Array<Pick<LicenseRequestRow, 'id'>>> {
  return db
    .selectFrom('license_request as r')
    .select('r.id')
    .where('r.status', '=', 'AWAITING_ANSWER')
    .where('r.created_at', '<', createdBefore)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('history_event as h')
            .select('h.id')
            .whereRef('h.request_id', '=', 'r.id')
            .where('h.event', '<>', 'CREATED'),
        ),
      ),
    )
    .orderBy('r.created_at', 'desc')
    .limit(limit)
    .execute();
}

export interface ListQuery {
  partnerId?: string;
  status?: string;
  limit: number;
  cursor?: { createdAt: string; id: string };
}

/**
 * One page, newest first, by keyset: the cursor is the last row's (created_at, id), so a page costs
 * the same however deep it is, and the index on (partner_id | status, created_at desc, id desc)
 * answers it (the plans are in docs/performance.md).
 */
export function listLicenseRequestsQuery(db: Db, query: ListQuery) {
  let select = db.selectFrom('license_request').selectAll();
  if (query.partnerId !== undefined) select = select.where('partner_id', '=', query.partnerId);
  if (query.status !== undefined) select = select.where('status', '=', query.status);
  if (query.cursor) {
    const { createdAt, id } = query.cursor;
    select = select.where(sql<boolean>`(created_at, id) < (${new Date(createdAt)}, ${id})`);
  }
  return select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
}

/** One page of rows (newest first), and whether there are more after it. */
export async function listLicenseRequests(
  db: Db,
  query: ListQuery,
): Promise<{ rows: LicenseRequestRow[]; more: boolean }> {
  const rows = await listLicenseRequestsQuery(db, query).execute();
  return { rows: rows.slice(0, query.limit), more: rows.length > query.limit };
}

/** The portal's "Requests summary": answered (YES or NO) and still waiting for an answer. */
export function answerSummaryQuery(db: Db, partnerId?: string) {
  const select = db
    .selectFrom('license_request')
    .select([
      sql<string>`count(*) filter (where response <> 'UNANSWERED')`.as('answered'),
      sql<string>`count(*) filter (where status = 'AWAITING_ANSWER')`.as('not_answered'),
    ]);
  return partnerId !== undefined ? select.where('partner_id', '=', partnerId) : select;
}

export async function answerSummary(db: Db, partnerId?: string): Promise<{ answered: number; not_answered: number }> {
  const row = await answerSummaryQuery(db, partnerId).executeTakeFirstOrThrow();
  // count(*) is a bigint, which pg hands over as text.
  return { answered: Number(row.answered), not_answered: Number(row.not_answered) };
}

/**
 * One ordered write from the workflow (see workflows/license-request.ts, `persist`). Statuses,
 * responses and assignments are the workflow's values, stored as they come.
 */
export interface TransitionRecord {
  requestId: string;
  version: number;
  status: string;
  response: string;
  answeredAt: string | null;
  deadline: string | null;
  deadlineDate: string | null;
  finishedAt: string | null;
  schools: Array<{ skolonId: string; assignment: string }>;
  events: Array<{ key: string; at: string; event: string; detail: unknown }>;
}

/**
 * Applies a workflow write idempotently: the request row only moves forward (a write with an older
 * version than the one applied changes nothing), school assignments are set to absolute values,
 * and history events are keyed so that a retry inserts none twice.
 */
/** Returns the history events this call stored (none when a retry finds them stored already). */
export async function applyTransition(
  db: Db,
  record: TransitionRecord,
): Promise<Array<{ event: string; detail: unknown }>> {
  const byAssignment = new Map<string, string[]>();
  for (const school of record.schools) {
    byAssignment.set(school.assignment, [...(byAssignment.get(school.assignment) ?? []), school.skolonId]);
  }
  // One statement, so one round trip and atomic without a transaction: this write sits on the path
  // of every answer and assignment (the update returns once it is stored). Data-modifying WITH
  // parts all run, whether or not the main statement reads them.
  const schoolUpdates = [...byAssignment].map(
    ([assignment, ids], i) => sql`, ${sql.ref(`schools_${i}`)} as (
      update school set assignment = ${assignment}
      where request_id = ${record.requestId} and skolon_id in (${sql.join(ids)})
      returning 1)`,
  );
  const events = record.events.map(
    (e) =>
      sql`(${record.requestId}, ${e.key}, ${e.at}::timestamptz, ${e.event}, ${JSON.stringify(e.detail ?? {})}::jsonb)`,
  );
  const result = await sql<{ event: string; detail: unknown }>`
    with request as (
      update license_request
      set status = ${record.status}, response = ${record.response},
        answered_at = ${record.answeredAt}::timestamptz, deadline = ${record.deadline}::timestamptz,
        deadline_date = ${record.deadlineDate}, finished_at = ${record.finishedAt}::timestamptz,
        state_version = ${record.version}
      where id = ${record.requestId} and state_version < ${record.version}
      returning id
    )${sql.join(schoolUpdates, sql``)}
    ${
      events.length > 0
        ? sql`insert into history_event (request_id, event_key, at, event, detail) values ${sql.join(events)}
            on conflict (request_id, event_key) do nothing returning event, detail`
        : sql`select null::text as event, null::jsonb as detail where false`
    }`.execute(db);
  return result.rows;
}

/** Adds one history event (idempotent by key), e.g. "partner notified" after a mail went out. */
export async function addHistoryEvent(
  db: Db,
  requestId: string,
  event: { key: string; at: Date | string; event: string; detail: unknown },
): Promise<void> {
  await db
    .insertInto('history_event')
    .values({
      request_id: requestId,
      event_key: event.key,
      at: event.at,
      event: event.event,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .onConflict((oc) => oc.columns(['request_id', 'event_key']).doNothing())
    .execute();
}

/**
 * License requests in the read model: the rows the API, the portal and the mail read, and the
 * writes of the create call and of the workflow. Returns rows as PostgreSQL holds them; the
 * representations (the API's JSON, dates for people) are built by the services that read them.
 */
import { sql } from 'kysely';
import type { LicenseRequestInput } from '../../domain/license-request';
import type { Db } from '../database';
import type { ContactRow, HistoryEventRow, LicenseRequestRow, PartnerRow, SchoolRow } from '../schema';

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

export type CreateOutcome = { kind: 'created' | 'stored already'; id: string };

/**
 * Stores a new request with its schools, contacts, CREATED event and (from a create call that had
 * one) its Idempotency-Key. Idempotent: a request stored already (a retried activity) is left as it
 * is. One statement (data-modifying WITH parts, each inserting only when the request row was new),
 * so one round trip and atomic without a transaction; the schools and contacts travel as arrays, so
 * a request of 1,000 schools takes as few parameters as one of a single school.
 */
export async function insertLicenseRequest(
  db: Db,
  request: NewLicenseRequest,
  idempotency?: { key: string; fingerprint: string },
): Promise<CreateOutcome> {
  const column = <T, K extends keyof T>(rows: readonly T[], key: K) => rows.map((row) => row[key]);
  const result = await sql<{ created: boolean }>`
    with request as (
      insert into license_request (id, partner_id, organisation_skolon_id, organisation_name, desired_availability,
        status, response, number_of_schools, created_at)
      values (${request.id}, ${request.partnerId}, ${request.organisation.skolonId}, ${request.organisation.name},
        ${request.desiredAvailability}::date, 'AWAITING_ANSWER', 'UNANSWERED', ${request.schools.length},
        ${request.createdAt})
      on conflict (id) do nothing
      returning id
    ), schools as (
      insert into school (request_id, skolon_id, name, position, assignment)
      select request.id, s.skolon_id, s.name, s.ordinal - 1, 'PENDING'
      from request, unnest(${column(request.schools, 'skolonId')}::text[], ${column(request.schools, 'name')}::text[])
        with ordinality as s(skolon_id, name, ordinal)
    ), contacts as (
      insert into contact (request_id, position, name, email)
      select request.id, c.ordinal - 1, c.name, c.email
      from request, unnest(${column(request.contacts, 'name')}::text[], ${column(request.contacts, 'email')}::text[])
        with ordinality as c(name, email, ordinal)
    ), created as (
      insert into history_event (request_id, event_key, at, event, detail)
      select request.id, 'created', ${request.createdAt}, 'CREATED',
        ${JSON.stringify({ numberOfSchools: request.schools.length })}::jsonb
      from request
    )${
      idempotency
        ? sql`, idempotency as (
            insert into idempotency_key (key, request_fingerprint, request_id)
            select ${idempotency.key}, ${idempotency.fingerprint}, request.id from request
            on conflict (key) do nothing)`
        : sql``
    }
    select exists (select 1 from request) as created`.execute(db);
  return { kind: result.rows[0]?.created ? 'created' : 'stored already', id: request.id };
}

/**
 * Stores a create's input as it stands (see insertLicenseRequest): the workflow's first step, and
 * the write a create with an Idempotency-Key makes itself, right after starting that workflow.
 */
export function storeLicenseRequestInput(db: Db, input: LicenseRequestInput): Promise<CreateOutcome> {
  return insertLicenseRequest(
    db,
    {
      id: input.requestId,
      partnerId: input.partnerId,
      organisation: input.organisation,
      schools: input.schools,
      desiredAvailability: input.desiredAvailability,
      contacts: input.contacts,
      createdAt: new Date(input.createdAt),
    },
    input.idempotency,
  );
}

/** The request a create's Idempotency-Key made, and the fingerprint of that create's body. */
export async function findCreateIdempotencyKey(
  db: Db,
  key: string,
): Promise<{ requestId: string; fingerprint: string } | undefined> {
  const row = await db
    .selectFrom('idempotency_key')
    .select(['request_id', 'request_fingerprint'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { requestId: row.request_id, fingerprint: row.request_fingerprint };
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

/**
 * The request with its schools, contacts and (unless not wanted) history, in one query and one
 * round trip: it is read on every API call that returns a request and by every mail.
 */
export async function getLicenseRequest(
  db: Db,
  id: string,
  options: { history?: boolean } = {},
): Promise<LicenseRequestWithDetails | undefined> {
  const row = await requestWithDetails(db, id, options).executeTakeFirst();
  return row && withHistoryDates(row);
}

/** What a mail needs of the request's partner. */
export type MailPartner = Pick<PartnerRow, 'name' | 'notification_email' | 'locale'>;

/**
 * The request as its mail needs it (no history) and its partner's name, address and language, in
 * the same round trip: every mail reads both.
 */
export async function getLicenseRequestForMail(
  db: Db,
  id: string,
): Promise<(LicenseRequestWithDetails & { partner: MailPartner | null }) | undefined> {
  const row = await requestWithDetails(db, id, { history: false })
    .select(
      sql<MailPartner | null>`(select json_build_object('name', p.name, 'notification_email', p.notification_email,
        'locale', p.locale) from partner p where p.id = r.partner_id)`.as('partner'),
    )
    .executeTakeFirst();
  return row && withHistoryDates(row);
}

function requestWithDetails(db: Db, id: string, options: { history?: boolean }) {
  return db
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
    .where('r.id', '=', id);
}

/** JSON has no timestamps: the instant travels as milliseconds (PostgreSQL keeps microseconds). */
function withHistoryDates<T extends { history: HistoryJson[] }>(
  row: T,
): Omit<T, 'history'> & Pick<LicenseRequestWithDetails, 'history'> {
  return {
    ...row,
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

/** The owner and the state: what the API needs to decide 404/409 before asking the workflow. */
export async function findRequestHeader(
  db: Db,
  id: string,
): Promise<Pick<LicenseRequestRow, 'partner_id' | 'status' | 'response' | 'deadline'> | undefined> {
  return db
    .selectFrom('license_request')
    .select(['partner_id', 'status', 'response', 'deadline'])
    .where('id', '=', id)
    .executeTakeFirst();
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

/**
 * The portal's "Requests summary": answered (YES or NO) and still waiting for an answer. Read from
 * the counts triggers keep as requests change (migration 2026-12-05-001), so it costs one row
 * however many requests the partner has; without a partner, the sum over every partner's row.
 */
export function answerSummaryQuery(db: Db, partnerId?: string) {
  const select = db
    .selectFrom('partner_request_counts')
    .select([
      sql<string>`coalesce(sum(answered), 0)`.as('answered'),
      sql<string>`coalesce(sum(not_answered), 0)`.as('not_answered'),
    ]);
  return partnerId !== undefined ? select.where('partner_id', '=', partnerId) : select;
}

export async function answerSummary(db: Db, partnerId?: string): Promise<{ answered: number; not_answered: number }> {
  const row = await answerSummaryQuery(db, partnerId).executeTakeFirstOrThrow();
  // sum() of integers is a bigint, which pg hands over as text.
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

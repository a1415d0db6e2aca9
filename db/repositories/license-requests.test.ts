/**
 * The list endpoint's queries stay index lookups however many requests a partner has: a keyset
 * page (with or without a status) reads an index range, and the answered/not-answered summary reads
 * the partner's stored counts, not its requests. Checked on the query plans PostgreSQL chooses for
 * 30,000 requests (the counts themselves: license-request-counts.test.ts). And the
 * read model's writes (a new request, a workflow transition), one statement each, are safe to retry.
 */
import { CompiledQuery, sql } from 'kysely';
import { createTestDatabase, insertTestPartners, type TestDatabase } from '../../test/helpers/database';
import {
  answerSummary,
  answerSummaryQuery,
  applyTransition,
  getLicenseRequest,
  insertLicenseRequest,
  listLicenseRequestsQuery,
  type TransitionRecord,
} from './license-requests';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await insertTestPartners(db, ['big', 'other-1', 'other-2']);
  // 30,000 requests, 20,000 of them one partner's; OVERDUE is rare (1 in 100).
  await sql`
    insert into license_request (id, partner_id, organisation_skolon_id, organisation_name, status, response,
      number_of_schools, created_at)
    select 'r-' || g, case when g % 3 = 0 then 'other-' || (1 + g % 2) else 'big' end, 'org', 'Kommun',
      s.status, case when s.status = 'AWAITING_ANSWER' then 'UNANSWERED' else 'YES' end, 1,
      now() - g * interval '1 minute'
    from generate_series(1, 30000) g,
      lateral (select case when g % 100 = 1 then 'OVERDUE'
                           else (array['COMPLETED','COMPLETED','AWAITING_ASSIGNMENT','AWAITING_ANSWER'])[1 + g % 4] end as status) s
  `.execute(db);
  await sql`vacuum analyze license_request`.execute(db);
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

async function plan(compiled: CompiledQuery): Promise<string> {
  const result = await database.db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
  );
  return result.rows.map((r) => r['QUERY PLAN']).join('\n');
}

const cursor = { createdAt: new Date(Date.now() - 15_000 * 60_000).toISOString(), id: 'r-15000' };

test("a page deep in one partner's list is read in index order from the cursor on: no scan, no sort", async () => {
  const text = await plan(listLicenseRequestsQuery(database.db, { partnerId: 'big', limit: 50, cursor }).compile());
  // Which index depends on how much of the table is this partner's; either reads 51 entries.
  expect(text).toMatch(/Index Scan using license_request_(partner_)?created/);
  expect(text).toMatch(/Index Cond: .*ROW\(created_at, id\) </);
  expect(text).not.toMatch(/Seq Scan|Sort/);
});

test("a page of a rare status, deep in one partner's list, reads that status's index range only", async () => {
  const text = await plan(
    listLicenseRequestsQuery(database.db, { partnerId: 'big', status: 'OVERDUE', limit: 50, cursor }).compile(),
  );
  expect(text).toMatch(/Index Scan using license_request_partner_status_created/);
  expect(text).not.toMatch(/Seq Scan|Sort|Filter/);
});

test("the partner's answered / not-answered summary reads its stored counts, not its requests", async () => {
  const text = await plan(answerSummaryQuery(database.db, 'big').compile());
  // One row by its key (or, while the table has a few rows only, one page read whole).
  expect(text).toMatch(/(Index Scan using partner_request_counts_pkey|Seq Scan) on partner_request_counts/);
  expect(text).not.toMatch(/license_request\b/);
  const counted = await sql<{ answered: number; not_answered: number }>`
    select count(*) filter (where response <> 'UNANSWERED')::int as answered,
      count(*) filter (where status = 'AWAITING_ANSWER')::int as not_answered
    from license_request where partner_id = 'big'`.execute(database.db);
  expect(await answerSummary(database.db, 'big')).toEqual(counted.rows[0]);
});

describe('applyTransition', () => {
  const at = '2026-11-30T09:00:00.000Z';
  const transition = (version: number, overrides: Partial<TransitionRecord> = {}): TransitionRecord => ({
    requestId: 'req-t',
    version,
    status: 'AWAITING_ASSIGNMENT',
    response: 'YES',
    answeredAt: at,
    deadline: '2026-12-07T22:59:59.999Z',
    deadlineDate: '2026-12-07',
    finishedAt: null,
    schools: [
      { skolonId: 'sch-1', assignment: 'PENDING' },
      { skolonId: 'sch-2', assignment: 'NOT_LICENSED' },
    ],
    events: [
      { key: `v${version}.0`, at, event: 'ANSWERED', detail: { response: 'YES' } },
      { key: `v${version}.1`, at, event: 'DEADLINE_SET', detail: { deadlineDate: '2026-12-07' } },
    ],
    ...overrides,
  });

  beforeAll(async () => {
    await insertLicenseRequest(database.db, {
      id: 'req-t',
      partnerId: 'other-1',
      organisation: { skolonId: 'org-t', name: 'Kommun T' },
      schools: [
        { skolonId: 'sch-1', name: 'Skola 1' },
        { skolonId: 'sch-2', name: 'Skola 2' },
      ],
      desiredAvailability: null,
      contacts: [{ name: 'Anna', email: 'anna@t.test' }],
      createdAt: new Date(at),
    });
  });

  test('one write stores the state, the schools and the events, and returns the events it stored', async () => {
    const stored = await applyTransition(database.db, transition(1));
    expect(stored).toEqual([
      { event: 'ANSWERED', detail: { response: 'YES' } },
      { event: 'DEADLINE_SET', detail: { deadlineDate: '2026-12-07' } },
    ]);
    const request = await getLicenseRequest(database.db, 'req-t');
    expect(request).toMatchObject({ status: 'AWAITING_ASSIGNMENT', response: 'YES', answered_at: new Date(at) });
    expect(request?.deadline).toEqual(new Date('2026-12-07T22:59:59.999Z'));
    expect(request?.deadline_date).toBe('2026-12-07');
    expect(request?.schools).toEqual([
      { skolon_id: 'sch-1', name: 'Skola 1', assignment: 'PENDING' },
      { skolon_id: 'sch-2', name: 'Skola 2', assignment: 'NOT_LICENSED' },
    ]);
    expect(request?.history).toEqual([
      { at: new Date(at), event: 'CREATED', detail: { numberOfSchools: 2 } },
      { at: new Date(at), event: 'ANSWERED', detail: { response: 'YES' } },
      { at: new Date(at), event: 'DEADLINE_SET', detail: { deadlineDate: '2026-12-07' } },
    ]);
    expect(request?.contacts).toEqual([{ name: 'Anna', email: 'anna@t.test' }]);
    // The mail reads no history: none is read.
    expect((await getLicenseRequest(database.db, 'req-t', { history: false }))?.history).toEqual([]);
  });

  test('a retried write changes nothing and stores no event twice', async () => {
    expect(await applyTransition(database.db, transition(1))).toEqual([]);
    const request = await getLicenseRequest(database.db, 'req-t');
    expect(request?.history.map((h) => h.event)).toEqual(['CREATED', 'ANSWERED', 'DEADLINE_SET']);
  });

  test('an older write arriving late does not roll the state back', async () => {
    await applyTransition(
      database.db,
      transition(3, {
        status: 'COMPLETED',
        finishedAt: at,
        schools: [{ skolonId: 'sch-1', assignment: 'ASSIGNED' }],
        events: [{ key: 'v3.0', at, event: 'COMPLETED', detail: {} }],
      }),
    );
    await applyTransition(database.db, transition(2, { events: [], schools: [] }));
    const request = await getLicenseRequest(database.db, 'req-t');
    expect(request).toMatchObject({ status: 'COMPLETED', finished_at: new Date(at) });
    expect(request?.schools.map((s) => s.assignment)).toEqual(['ASSIGNED', 'NOT_LICENSED']);
  });
});

describe('insertLicenseRequest', () => {
  const createdAt = new Date();
  const request = (id: string, schools: number) => ({
    id,
    partnerId: 'other-2',
    organisation: { skolonId: `org-${id}`, name: `Kommun ${id}` },
    schools: Array.from({ length: schools }, (_, i) => ({ skolonId: `sch-${i + 1}`, name: `Skola ${i + 1}` })),
    desiredAvailability: '2030-06-14',
    contacts: [
      { name: 'Anna', email: 'anna@k.test' },
      { name: 'Bo', email: 'bo@k.test' },
    ],
    createdAt,
  });

  test('one statement stores the request, its schools and contacts in order, the CREATED event and the key', async () => {
    const idempotency = { key: 'create-key-ins-1', fingerprint: 'fp-1' };
    expect(await insertLicenseRequest(database.db, request('ins-1', 3), idempotency)).toEqual({
      kind: 'created',
      id: 'ins-1',
    });
    const stored = await getLicenseRequest(database.db, 'ins-1');
    expect(stored).toMatchObject({
      partner_id: 'other-2',
      organisation_skolon_id: 'org-ins-1',
      organisation_name: 'Kommun ins-1',
      desired_availability: '2030-06-14',
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      number_of_schools: 3,
      created_at: createdAt,
    });
    expect(stored?.schools).toEqual(
      [1, 2, 3].map((n) => ({ skolon_id: `sch-${n}`, name: `Skola ${n}`, assignment: 'PENDING' })),
    );
    expect(stored?.contacts).toEqual([
      { name: 'Anna', email: 'anna@k.test' },
      { name: 'Bo', email: 'bo@k.test' },
    ]);
    expect(stored?.history).toEqual([{ at: createdAt, event: 'CREATED', detail: { numberOfSchools: 3 } }]);
    const key = await database.db
      .selectFrom('idempotency_key')
      .selectAll()
      .where('key', '=', idempotency.key)
      .executeTakeFirst();
    expect(key).toMatchObject({ request_fingerprint: 'fp-1', request_id: 'ins-1' });
  });

  test('a retry (an activity attempt whose answer was lost) stores nothing twice and keeps the first', async () => {
    const retry = { ...request('ins-1', 3), organisation: { skolonId: 'org-other', name: 'Other' } };
    expect(await insertLicenseRequest(database.db, retry, { key: 'create-key-ins-1', fingerprint: 'fp-2' })).toEqual({
      kind: 'stored already',
      id: 'ins-1',
    });
    const stored = await getLicenseRequest(database.db, 'ins-1');
    expect(stored?.organisation_name).toBe('Kommun ins-1');
    expect(stored?.schools).toHaveLength(3);
    expect(stored?.contacts).toHaveLength(2);
    expect(stored?.history).toHaveLength(1);
  });

  test('a request of 1,000 schools is stored whole, in its order', async () => {
    await insertLicenseRequest(database.db, { ...request('ins-big', 1000), desiredAvailability: null });
    const stored = await getLicenseRequest(database.db, 'ins-big');
    expect(stored?.desired_availability).toBeNull();
    expect(stored?.schools.map((s) => s.skolon_id)).toEqual(Array.from({ length: 1000 }, (_, i) => `sch-${i + 1}`));
  });
});

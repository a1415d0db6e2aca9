/**
 * The list endpoint's queries stay index lookups however many requests a partner has: a keyset
 * page (with or without a status) reads an index range, and the answered/not-answered summary is
 * an index-only scan. Checked on the query plans PostgreSQL chooses for 30,000 requests.
 */
import { CompiledQuery, sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database';
import { answerSummaryQuery, listLicenseRequestsQuery } from './license-requests';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  const { db } = database;
  await db
    .insertInto('partner')
    .values(
      ['big', 'other-1', 'other-2'].map((id) => ({
        id,
        name: id,
        notification_email: `${id}@p.test`,
        locale: 'sv' as const,
        api_key_hash: id,
      })),
    )
    .execute();
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

test("the partner's answered / not-answered summary is an index-only scan", async () => {
  const text = await plan(answerSummaryQuery(database.db, 'big').compile());
  expect(text).toMatch(/Index Only Scan using license_request_partner_summary/);
});

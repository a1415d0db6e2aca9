/**
 * The partner's stored request counts (migration 2026-12-05-001) follow license_request through
 * every kind of write: the create, the workflow's transitions, bulk statements, deletes, TRUNCATE,
 * writes at once on one partner, and the rows that were there before the migration.
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import { migrateTo, migrateToLatest } from '../migrator';
import { createTestDatabase, insertTestPartners, type TestDatabase } from '../../test/helpers/database';
import { answerSummary, applyTransition, insertLicenseRequest, type TransitionRecord } from './license-requests';

const partners = ['p-a', 'p-b', 'p-c'];

async function addPartners(db: Db): Promise<void> {
  await insertTestPartners(db, partners);
}

/** What the summary meant before the counts were stored: a count over the partner's requests. */
async function counted(db: Db, partnerId?: string): Promise<{ answered: number; not_answered: number }> {
  const result = await sql<{ answered: number; not_answered: number }>`
    select count(*) filter (where response <> 'UNANSWERED')::int as answered,
      count(*) filter (where status = 'AWAITING_ANSWER')::int as not_answered
    from license_request where ${partnerId === undefined ? sql`true` : sql`partner_id = ${partnerId}`}`.execute(db);
  return result.rows[0]!;
}

async function expectCountsToMatchTheRows(db: Db): Promise<void> {
  for (const partnerId of [...partners, undefined]) {
    expect({ partnerId, ...(await answerSummary(db, partnerId)) }).toEqual({
      partnerId,
      ...(await counted(db, partnerId)),
    });
  }
}

/** A request as the create stores it: AWAITING_ANSWER, UNANSWERED. */
async function create(db: Db, id: string, partnerId: string): Promise<void> {
  await insertLicenseRequest(db, {
    id,
    partnerId,
    organisation: { skolonId: `org-${id}`, name: `Kommun ${id}` },
    schools: [{ skolonId: 'sch-1', name: 'Skola 1' }],
    desiredAvailability: null,
    contacts: [{ name: 'Anna', email: 'anna@k.test' }],
    createdAt: new Date(),
  });
}

const versions = new Map<string, number>();
/** The workflow's write of a new state, as persist sends it. */
async function transition(db: Db, requestId: string, status: string, response: string): Promise<void> {
  const version = (versions.get(requestId) ?? 0) + 1;
  versions.set(requestId, version);
  const record: TransitionRecord = {
    requestId,
    version,
    status,
    response,
    answeredAt: response === 'UNANSWERED' ? null : new Date().toISOString(),
    deadline: null,
    deadlineDate: null,
    finishedAt: null,
    schools: [],
    events: [],
  };
  await applyTransition(db, record);
}

describe('on a migrated database', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await addPartners(db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  test('a partner without requests has zero of each', async () => {
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 0, not_answered: 0 });
    expect(await answerSummary(db, 'no-such-partner')).toEqual({ answered: 0, not_answered: 0 });
    expect(await answerSummary(db)).toEqual({ answered: 0, not_answered: 0 });
  });

  test('each transition moves the counts as a count of the rows would', async () => {
    for (const id of ['t-1', 't-2', 't-3', 't-4']) await create(db, id, 'p-a');
    await create(db, 't-other', 'p-b');
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 0, not_answered: 4 });

    await transition(db, 't-1', 'AWAITING_ASSIGNMENT', 'YES'); // answered YES
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 1, not_answered: 3 });
    await transition(db, 't-2', 'DECLINED', 'NO'); // answered NO
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 2, not_answered: 2 });
    await transition(db, 't-3', 'WITHDRAWN', 'UNANSWERED'); // withdrawn before an answer
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 2, not_answered: 1 });
    await transition(db, 't-1', 'COMPLETED', 'YES'); // changes neither count
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 2, not_answered: 1 });
    await transition(db, 't-2', 'AWAITING_ANSWER', 'UNANSWERED'); // reopened
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 1, not_answered: 2 });
    await transition(db, 't-4', 'OVERDUE', 'UNANSWERED'); // its answer is late
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 1, not_answered: 1 });

    // The other partner's request was never touched, and the admin's summary is the sum.
    expect(await answerSummary(db, 'p-b')).toEqual({ answered: 0, not_answered: 1 });
    expect(await answerSummary(db)).toEqual({ answered: 1, not_answered: 2 });
    await expectCountsToMatchTheRows(db);
  });

  test('a retried create or an older transition arriving late changes no count', async () => {
    await create(db, 't-4', 'p-a');
    await applyTransition(db, {
      requestId: 't-1',
      version: 1,
      status: 'AWAITING_ANSWER',
      response: 'UNANSWERED',
      answeredAt: null,
      deadline: null,
      deadlineDate: null,
      finishedAt: null,
      schools: [],
      events: [],
    });
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 1, not_answered: 1 });
  });

  test('deletes count the rows out, one or many, of several partners in one statement', async () => {
    await sql`delete from license_request where id = 't-1'`.execute(db);
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 0, not_answered: 1 });
    await sql`delete from license_request where id in ('t-2', 't-other')`.execute(db);
    expect(await answerSummary(db, 'p-a')).toEqual({ answered: 0, not_answered: 0 });
    expect(await answerSummary(db, 'p-b')).toEqual({ answered: 0, not_answered: 0 });
    await expectCountsToMatchTheRows(db);
  });

  test('bulk statements over several partners, and TRUNCATE', async () => {
    await sql`
      insert into license_request (id, partner_id, organisation_skolon_id, organisation_name, status, response,
        number_of_schools, created_at)
      select 'bulk-' || g, (array['p-a', 'p-b', 'p-c'])[1 + g % 3], 'org', 'Kommun',
        (array['AWAITING_ANSWER', 'AWAITING_ASSIGNMENT', 'COMPLETED', 'DECLINED', 'WITHDRAWN'])[1 + g % 5],
        (array['UNANSWERED', 'YES', 'YES', 'NO', 'UNANSWERED'])[1 + g % 5], 1, now()
      from generate_series(1, 3000) g`.execute(db);
    await expectCountsToMatchTheRows(db);
    // Every partner's requests reopened at once, then moved to another partner.
    await sql`update license_request set status = 'AWAITING_ANSWER', response = 'UNANSWERED' where id like 'bulk-%'
      and status = 'DECLINED'`.execute(db);
    await expectCountsToMatchTheRows(db);
    await sql`update license_request set partner_id = 'p-c' where partner_id = 'p-a' and id like 'bulk-%'`.execute(db);
    await expectCountsToMatchTheRows(db);
    await sql`truncate license_request cascade`.execute(db);
    expect(await answerSummary(db)).toEqual({ answered: 0, not_answered: 0 });
    await create(db, 'after-truncate', 'p-a');
    await expectCountsToMatchTheRows(db);
  });

  test('a random mix of changes, many of them at once on one partner, leaves the counts equal to a count', async () => {
    const statuses: Array<[string, string]> = [
      ['AWAITING_ANSWER', 'UNANSWERED'],
      ['AWAITING_ASSIGNMENT', 'YES'],
      ['COMPLETED', 'YES'],
      ['DECLINED', 'NO'],
      ['WITHDRAWN', 'UNANSWERED'],
      ['OVERDUE', 'UNANSWERED'],
    ];
    const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;
    const ids = Array.from({ length: 60 }, (_, i) => `mix-${i}`);
    // Each request has one writer at a time, as each has one workflow; the partners' writers overlap.
    await Promise.all(
      ids.map(async (id, i) => {
        await create(db, id, partners[i % 2]!);
        for (let step = 0; step < 8; step++) {
          const roll = Math.random();
          if (roll < 0.75) {
            const [status, response] = pick(statuses);
            await transition(db, id, status, response);
          } else if (roll < 0.85) {
            await sql`delete from license_request where id = ${id}`.execute(db);
            await create(db, id, pick(partners));
          } else {
            await sql`update license_request set partner_id = ${pick(partners)} where id = ${id}`.execute(db);
          }
        }
      }),
    );
    await expectCountsToMatchTheRows(db);
  });

  test('statements at once, each changing the counts of the same three partners, do not deadlock', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `order-${i}`);
    for (const [i, id] of ids.entries()) await create(db, id, partners[i % 3]!);
    // Each statement updates requests of all three partners (its own rows, so only the counts are shared).
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const mine = ids.filter((_, j) => j % 20 === i);
        const [status, response] = i % 2 ? ['AWAITING_ASSIGNMENT', 'YES'] : ['DECLINED', 'NO'];
        return sql`update license_request set status = ${status}, response = ${response}
          where id in (${sql.join(mine)})`.execute(db);
      }),
    );
    await expectCountsToMatchTheRows(db);
  });
});

test('the migration counts the requests stored before it', async () => {
  const database = await createTestDatabase({ migrate: false });
  try {
    const { db } = database;
    await migrateTo(db, '2026-12-04-001-answer-links');
    await addPartners(db);
    await sql`
      insert into license_request (id, partner_id, organisation_skolon_id, organisation_name, status, response,
        number_of_schools, created_at)
      select 'old-' || g, (array['p-a', 'p-b'])[1 + g % 2], 'org', 'Kommun',
        (array['AWAITING_ANSWER', 'AWAITING_ASSIGNMENT', 'DECLINED', 'WITHDRAWN', 'AWAITING_ANSWER'])[1 + g % 5],
        (array['UNANSWERED', 'YES', 'NO', 'UNANSWERED', 'UNANSWERED'])[1 + g % 5], 1, now()
      from generate_series(1, 1000) g`.execute(db);
    const before = { 'p-a': await counted(db, 'p-a'), 'p-b': await counted(db, 'p-b') };
    expect(before['p-a'].answered).toBeGreaterThan(0);

    expect(await migrateToLatest(db)).toContain('2026-12-05-001-partner-request-counts');
    expect(await answerSummary(db, 'p-a')).toEqual(before['p-a']);
    expect(await answerSummary(db, 'p-b')).toEqual(before['p-b']);
    expect(await answerSummary(db, 'p-c')).toEqual({ answered: 0, not_answered: 0 });
    // And from there on the triggers keep them.
    await create(db, 'new-1', 'p-c');
    await sql`update license_request set status = 'COMPLETED', response = 'YES' where id = 'old-1'`.execute(db);
    await expectCountsToMatchTheRows(db);
  } finally {
    await database.drop();
  }
});

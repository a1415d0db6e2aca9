// Frozen once landed. The partner list's summary (answered / not answered) kept as requests change,
// instead of counted over the partner's requests on every call: a count grows with the partner's
// requests (10 ms at 100,000), a stored count does not.
//
// Kept by statement triggers on license_request, so every writer (the create, the workflow's
// transitions, bulk inserts, a migration, a hand-run fix) keeps it right without knowing of it.
// Statement triggers with transition tables rather than row triggers: a statement touching many
// rows (an INSERT ... SELECT of a million) updates each partner's counts once, not once per row.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partner_request_counts')
    // A partner with requests always has its row; cascade only ever removes one whose requests are gone.
    .addColumn('partner_id', 'text', (c) => c.primaryKey().references('partner.id').onDelete('cascade'))
    // response <> 'UNANSWERED'
    .addColumn('answered', 'integer', (c) => c.notNull().check(sql`answered >= 0`))
    // status = 'AWAITING_ANSWER'
    .addColumn('not_answered', 'integer', (c) => c.notNull().check(sql`not_answered >= 0`))
    .execute();

  // Adds one partner's changes to its counts. Update first, insert when the partner has no row yet
  // (its first request; two first requests at once meet in the ON CONFLICT). Not one upsert: an
  // upsert checks the CHECK constraints on the row it would insert, and a change may be negative.
  await sql`
    create function partner_request_counts_add(partner text, answered_change bigint, not_answered_change bigint)
    returns void language plpgsql as $$
    begin
      update partner_request_counts
      set answered = answered + answered_change, not_answered = not_answered + not_answered_change
      where partner_id = partner;
      if not found then
        insert into partner_request_counts as c (partner_id, answered, not_answered)
        values (partner, answered_change, not_answered_change)
        on conflict (partner_id) do update
          set answered = c.answered + excluded.answered, not_answered = c.not_answered + excluded.not_answered;
      end if;
    end
    $$`.execute(db);

  // One function for the three row-changing triggers: the rows a statement added count in, the rows
  // it removed count out (an update is both), summed per partner. Partners are taken in partner_id
  // order, so two statements touching the same partners lock their counts in the same order and
  // cannot deadlock; a statement that changes no count (most transitions) writes nothing.
  await sql`
    create function partner_request_counts_apply() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform partner_request_counts_add(partner_id, answered, not_answered)
        from (
          select partner_id, sum((response <> 'UNANSWERED')::int) as answered,
            sum((status = 'AWAITING_ANSWER')::int) as not_answered
          from new_rows
          group by partner_id
          order by partner_id
        ) d
        where answered <> 0 or not_answered <> 0;
      elsif tg_op = 'DELETE' then
        perform partner_request_counts_add(partner_id, -answered, -not_answered)
        from (
          select partner_id, sum((response <> 'UNANSWERED')::int) as answered,
            sum((status = 'AWAITING_ANSWER')::int) as not_answered
          from old_rows
          group by partner_id
          order by partner_id
        ) d
        where answered <> 0 or not_answered <> 0;
      else
        perform partner_request_counts_add(partner_id, answered, not_answered)
        from (
          select partner_id, sum(answered) as answered, sum(not_answered) as not_answered
          from (
            select partner_id, (response <> 'UNANSWERED')::int as answered,
              (status = 'AWAITING_ANSWER')::int as not_answered
            from new_rows
            union all
            select partner_id, -(response <> 'UNANSWERED')::int, -(status = 'AWAITING_ANSWER')::int
            from old_rows
          ) changes
          group by partner_id
          order by partner_id
        ) d
        where answered <> 0 or not_answered <> 0;
      end if;
      return null;
    end
    $$`.execute(db);

  // No writer may slip between the backfill and the triggers: writes wait (reads do not) until the
  // migration commits (kysely runs the migrations in one transaction on PostgreSQL).
  await sql`lock table license_request in share row exclusive mode`.execute(db);
  await sql`create trigger license_request_counts_insert after insert on license_request
    referencing new table as new_rows for each statement execute function partner_request_counts_apply()`.execute(db);
  await sql`create trigger license_request_counts_update after update on license_request
    referencing old table as old_rows new table as new_rows
    for each statement execute function partner_request_counts_apply()`.execute(db);
  await sql`create trigger license_request_counts_delete after delete on license_request
    referencing old table as old_rows for each statement execute function partner_request_counts_apply()`.execute(db);
  // TRUNCATE has no rows to count out: it empties the counts with the requests.
  await sql`create function partner_request_counts_clear() returns trigger language plpgsql as $$
    begin
      delete from partner_request_counts;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger license_request_counts_truncate after truncate on license_request
    for each statement execute function partner_request_counts_clear()`.execute(db);

  await sql`
    insert into partner_request_counts (partner_id, answered, not_answered)
    select partner_id, count(*) filter (where response <> 'UNANSWERED'), count(*) filter (where status = 'AWAITING_ANSWER')
    from license_request
    group by partner_id`.execute(db);

  // Only the summary read this index; every change of a request's status or response paid for it.
  await db.schema.dropIndex('license_request_partner_summary').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('license_request_partner_summary')
    .on('license_request')
    .columns(['partner_id', 'response', 'status'])
    .execute();
  await sql`drop trigger license_request_counts_truncate on license_request`.execute(db);
  await sql`drop trigger license_request_counts_delete on license_request`.execute(db);
  await sql`drop trigger license_request_counts_update on license_request`.execute(db);
  await sql`drop trigger license_request_counts_insert on license_request`.execute(db);
  await sql`drop function partner_request_counts_clear()`.execute(db);
  await sql`drop function partner_request_counts_apply()`.execute(db);
  await sql`drop function partner_request_counts_add(text, bigint, bigint)`.execute(db);
  await db.schema.dropTable('partner_request_counts').execute();
}

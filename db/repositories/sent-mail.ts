/**
 * The outbox of request mail (table sent_mail): one record per (request, occasion, sequence),
 * claimed before the mail is sent and recorded after. The claim is a lease that the sending attempt
 * renews; the timing is the database's clock, so every worker agrees on when a lease has lapsed.
 * The policy (who gets what, when to retry) is the mail activity's (activities/mail.ts).
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import type { SentMailRow } from '../schema';

/** Which mail a record is: one per (request, occasion, sequence). */
export type SentMailKey = Pick<SentMailRow, 'request_id' | 'occasion' | 'sequence'>;

export async function findSentMail(db: Db, key: SentMailKey): Promise<Pick<SentMailRow, 'status'> | undefined> {
  return db
    .selectFrom('sent_mail')
    .select('status')
    .where((eb) => eb.and(key))
    .executeTakeFirst();
}

/**
 * Claims a mail for sending: a new record, a DEFERRED one (deferred recipients wait for a retry;
 * nobody is sending to them), or a SENDING one whose lease has run out (the attempt that held it is
 * gone). Resolves undefined when someone else holds it or it is finished (see findSentMailClaim).
 */
export async function claimSentMail(
  db: Db,
  mail: SentMailKey & Pick<SentMailRow, 'message_id' | 'recipients'>,
  leaseMs: number,
): Promise<Pick<SentMailRow, 'status' | 'pending_recipients'> | undefined> {
  return db
    .insertInto('sent_mail')
    .values({
      request_id: mail.request_id,
      occasion: mail.occasion,
      sequence: mail.sequence,
      message_id: mail.message_id,
      recipients: mail.recipients,
      status: 'SENDING',
      claimed_at: sql<Date>`now()`,
    })
    .onConflict((oc) =>
      oc
        .columns(['request_id', 'occasion', 'sequence'])
        .doUpdateSet({ claimed_at: sql<Date>`now()`, status: 'SENDING' })
        .where((eb) =>
          eb.or([
            eb('sent_mail.status', '=', 'DEFERRED'),
            eb.and([
              eb('sent_mail.status', '=', 'SENDING'),
              eb('sent_mail.claimed_at', '<', sql<Date>`now() - make_interval(secs => ${leaseMs / 1000})`),
            ]),
          ]),
        ),
    )
    .returning(['status', 'pending_recipients'])
    .executeTakeFirst();
}

/** A record's status, and in how many seconds its claim lapses unless renewed (negative: lapsed). */
export async function findSentMailClaim(
  db: Db,
  key: SentMailKey,
  leaseMs: number,
): Promise<Pick<SentMailRow, 'status'> & { lapses_in_seconds: number }> {
  const row = await db
    .selectFrom('sent_mail')
    .select([
      'status',
      sql<number | string>`extract(epoch from claimed_at + make_interval(secs => ${leaseMs / 1000}) - now())`.as(
        'lapses_in_seconds',
      ),
    ])
    .where((eb) => eb.and(key))
    .executeTakeFirstOrThrow();
  // extract() is numeric, which pg hands over as text.
  return { status: row.status, lapses_in_seconds: Number(row.lapses_in_seconds) };
}

/** The claim holder says it is alive: its lease starts again (only while it is still SENDING). */
export async function renewSentMailClaim(db: Db, key: SentMailKey): Promise<void> {
  await db
    .updateTable('sent_mail')
    .set({ claimed_at: sql<Date>`now()` })
    .where('request_id', '=', key.request_id)
    .where('occasion', '=', key.occasion)
    .where('sequence', '=', key.sequence)
    .where('status', '=', 'SENDING')
    .execute();
}

/** Removes a SENDING claim that delivered nothing, so that a retry decides afresh. */
export async function deleteSentMailClaim(db: Db, key: SentMailKey): Promise<void> {
  await db
    .deleteFrom('sent_mail')
    .where((eb) => eb.and(key))
    .where('status', '=', 'SENDING')
    .execute();
}

/** Gives a SENDING claim back as DEFERRED: its pending recipients wait for a retry. */
export async function deferSentMailClaim(db: Db, key: SentMailKey): Promise<void> {
  await db
    .updateTable('sent_mail')
    .set({ status: 'DEFERRED' })
    .where((eb) => eb.and(key))
    .where('status', '=', 'SENDING')
    .execute();
}

export interface SentMailRound {
  /** The recipients the round went to; null for the first round (all of the record's recipients). */
  pendingBefore: string[] | null;
  delivered: string[];
  deferred: string[];
  /** The server's words on a refusal of the whole round (for operators). */
  error: string | null;
  at: Date;
  /** History events to add with it (keyed, so a repeat adds none twice). */
  events: Array<{ key: string; event: string; detail: unknown }>;
}

/**
 * Records how the server answered a round: the record's new status and the round's history events,
 * in one statement, so a crash keeps both or neither. Only while the record still shows the round
 * unrecorded (SENDING, with the round's recipients pending); resolves undefined otherwise.
 */
export async function recordSentMailRound(
  db: Db,
  key: SentMailKey,
  round: SentMailRound,
): Promise<Exclude<SentMailRow['status'], 'SENDING'> | undefined> {
  const { deferred, delivered, error, pendingBefore, at, events } = round;
  const { rows } = await sql<{ status: 'DEFERRED' | 'SENT' | 'FAILED' }>`
    with recorded as (
      update sent_mail set
        status = case
          when ${deferred.length > 0}::boolean then 'DEFERRED'
          when ${delivered.length > 0}::boolean or sent_at is not null then 'SENT'
          else 'FAILED' end,
        pending_recipients = ${deferred.length > 0 ? deferred : null}::text[],
        sent_at = case when ${delivered.length > 0}::boolean then coalesce(sent_at, now()) else sent_at end,
        error = coalesce(${error}, error)
      where request_id = ${key.request_id} and occasion = ${key.occasion} and sequence = ${key.sequence}
        and status = 'SENDING'
        and pending_recipients is not distinct from ${pendingBefore}::text[]
      returning request_id, status
    ), events as (
      insert into history_event (request_id, event_key, at, event, detail)
      select recorded.request_id, e.key, ${at}::timestamptz, e.event, e.detail
      from recorded
      cross join jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(key text, event text, detail jsonb)
      on conflict (request_id, event_key) do nothing
    )
    select status from recorded`.execute(db);
  return rows[0]?.status;
}

/** For /health: mail refused for good in the last day, and mail still SENDING after 10 minutes. */
export async function countMailTrouble(db: Db): Promise<{ failed_last_24h: number; sending_over_10_min: number }> {
  const row = await db
    .selectFrom('sent_mail')
    .select([
      sql<string>`count(*) filter (where status = 'FAILED' and claimed_at > now() - interval '24 hours')`.as('failed'),
      sql<string>`count(*) filter (where status = 'SENDING' and claimed_at < now() - interval '10 minutes')`.as(
        'waiting',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { failed_last_24h: Number(row.failed), sending_over_10_min: Number(row.waiting) };
}

/** How many mails of this occasion the request has a record of (the next one's sequence). */
export async function countSentMail(db: Db, requestId: string, occasion: string): Promise<number> {
  const row = await db
    .selectFrom('sent_mail')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('request_id', '=', requestId)
    .where('occasion', '=', occasion)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

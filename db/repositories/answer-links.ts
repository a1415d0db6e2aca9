/**
 * The YES and NO links of partner mail (table answer_link), as rows: one per mail, made by the
 * mail activity before it sends and found again by a retry; looked up by a token's hash and used
 * once. The rules (what a token is, when a link still answers) are domain/answer-link.ts.
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import type { AnswerLinkRow } from '../schema';
import type { SentMailKey } from './sent-mail';

/**
 * Stores a mail's links unless it has them already (an earlier attempt of the same mail), and
 * resolves with the stored row, whose seed makes the links that mail must carry.
 */
export async function ensureAnswerLinks(
  db: Db,
  mail: SentMailKey & Pick<AnswerLinkRow, 'sent_to' | 'seed' | 'yes_token_hash' | 'no_token_hash' | 'expires_at'>,
): Promise<AnswerLinkRow> {
  // The reopenings as the read model has them now: the mail activity runs after the workflow's writes.
  const reopenings = sql<number>`(select count(*)::int from history_event
    where request_id = ${mail.request_id} and event = 'REOPENED')`;
  await db
    .insertInto('answer_link')
    .values({ ...mail, reopenings })
    .onConflict((oc) => oc.columns(['request_id', 'occasion', 'sequence']).doNothing())
    .execute();
  return db
    .selectFrom('answer_link')
    .selectAll()
    .where('request_id', '=', mail.request_id)
    .where('occasion', '=', mail.occasion)
    .where('sequence', '=', mail.sequence)
    .executeTakeFirstOrThrow();
}

export interface FoundAnswerLink {
  request_id: string;
  occasion: string;
  sequence: number;
  partner_id: string;
  sent_to: string;
  answer: 'YES' | 'NO';
  expires_at: Date;
  used_at: Date | null;
  status: string;
  /**
   * The request was reopened since the link was made: the NO that preceded it ended the link, even
   * if the link was stored after that NO (a mail sent while the answer came in). Counted, not
   * compared by time: the workflow's and the database's clocks need not agree.
   */
  answered_since: boolean;
}

/** The link whose token has this hash, with its request's state; undefined for no link of ours. */
export async function findAnswerLink(db: Db, tokenHash: string): Promise<FoundAnswerLink | undefined> {
  const result = await sql<FoundAnswerLink>`
    select l.request_id, l.occasion, l.sequence, r.partner_id, l.sent_to,
      case when l.yes_token_hash = ${tokenHash} then 'YES' else 'NO' end as answer,
      l.expires_at, l.used_at, r.status,
      (select count(*) from history_event h
        where h.request_id = l.request_id and h.event = 'REOPENED') <> l.reopenings as answered_since
    from answer_link l join license_request r on r.id = l.request_id
    where l.yes_token_hash = ${tokenHash} or l.no_token_hash = ${tokenHash}`.execute(db);
  return result.rows[0];
}

/** Takes the mail's links for one answer; false when they were taken already (a second use, a race). */
export async function useAnswerLink(db: Db, mail: SentMailKey, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('answer_link')
    .set({ used_at: at })
    .where('request_id', '=', mail.request_id)
    .where('occasion', '=', mail.occasion)
    .where('sequence', '=', mail.sequence)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Gives the links back after an answer that did not go through for a reason of ours (or bad input). */
export async function releaseAnswerLink(db: Db, mail: SentMailKey): Promise<void> {
  await db
    .updateTable('answer_link')
    .set({ used_at: null })
    .where('request_id', '=', mail.request_id)
    .where('occasion', '=', mail.occasion)
    .where('sequence', '=', mail.sequence)
    .execute();
}

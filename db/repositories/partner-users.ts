/**
 * A partner's people (partner_user) and their one-time sign-in links (portal_sign_in_link), as rows;
 * services/partner-users.ts and services/portal-sign-in.ts hold the rules. Addresses are stored and
 * looked up in lower case.
 */
import { sql } from 'kysely';
import type { Db } from '../database';
import type { PartnerRow, PartnerUserRole, PartnerUserRow } from '../schema';

export async function listPartnerUsers(db: Db, partnerId: string): Promise<PartnerUserRow[]> {
  return db
    .selectFrom('partner_user')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('created_at')
    .orderBy('email')
    .execute();
}

/** Adds a user; undefined when the partner has one with that address already. */
export async function insertPartnerUser(
  db: Db,
  user: { partnerId: string; email: string; name: string; role: PartnerUserRole },
): Promise<PartnerUserRow | undefined> {
  return db
    .insertInto('partner_user')
    .values({ partner_id: user.partnerId, email: user.email.toLowerCase(), name: user.name, role: user.role })
    .onConflict((oc) => oc.columns(['partner_id', 'email']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * Removes a user, unless they are the partner's last admin; their sessions and sign-in links go in
 * the same statement (foreign keys, on delete cascade). The partner's users are locked meanwhile, so
 * two admins removing each other at once cannot leave the partner without one.
 */
export async function deletePartnerUser(
  db: Db,
  partnerId: string,
  email: string,
): Promise<'DELETED' | 'NOT_FOUND' | 'LAST_ADMIN'> {
  return db.transaction().execute(async (trx) => {
    const users = await trx
      .selectFrom('partner_user')
      .select(['email', 'role'])
      .where('partner_id', '=', partnerId)
      .forUpdate()
      .execute();
    const user = users.find((u) => u.email === email.toLowerCase());
    if (!user) return 'NOT_FOUND';
    if (user.role === 'admin' && users.filter((u) => u.role === 'admin').length === 1) return 'LAST_ADMIN';
    await trx.deleteFrom('partner_user').where('partner_id', '=', partnerId).where('email', '=', user.email).execute();
    return 'DELETED';
  });
}

/** Every partner at which this address has an account, with the partner's name. */
export async function findUsersByEmail(
  db: Db,
  email: string,
): Promise<Array<PartnerUserRow & { partner_name: PartnerRow['name'] }>> {
  return db
    .selectFrom('partner_user as u')
    .innerJoin('partner as p', 'p.id', 'u.partner_id')
    .selectAll('u')
    .select('p.name as partner_name')
    .where('u.email', '=', email.toLowerCase())
    .orderBy('p.name')
    .execute();
}

/** Stores a sign-in link's hash; links that expired before `now` go at the same time. */
export async function insertSignInLink(
  db: Db,
  link: { tokenHash: string; partnerId: string; email: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  await db.deleteFrom('portal_sign_in_link').where('expires_at', '<=', now).execute();
  await db
    .insertInto('portal_sign_in_link')
    .values({ token_hash: link.tokenHash, partner_id: link.partnerId, email: link.email, expires_at: link.expiresAt })
    .execute();
}

/** The user a link would sign in, while it is unused and unexpired (looking does not use it). */
export async function findUsableSignInLink(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<(PartnerUserRow & { partner_name: string }) | undefined> {
  return db
    .selectFrom('portal_sign_in_link as l')
    .innerJoin('partner_user as u', (j) =>
      j.onRef('u.partner_id', '=', 'l.partner_id').onRef('u.email', '=', 'l.email'),
    )
    .innerJoin('partner as p', 'p.id', 'l.partner_id')
    .selectAll('u')
    .select('p.name as partner_name')
    .where('l.token_hash', '=', tokenHash)
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Uses a link: marks it used and answers whose it is, in one statement, so that of two clicks at
 * once only one signs in. Undefined for an unknown, used or expired link.
 */
export async function useSignInLink(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ partner_id: string; email: string } | undefined> {
  return db
    .updateTable('portal_sign_in_link')
    .set({ used_at: sql<Date>`${now}::timestamptz` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['partner_id', 'email'])
    .executeTakeFirst();
}

/** Partner-portal sessions: looked up by the hash of the cookie's token, tied to one partner's user. */
import type { Db } from '../database';
import type { PartnerRow, PartnerUserRow, PortalSessionRow } from '../schema';
import type { Locale } from '../../domain/locale';

/** A session's row with its partner's (the session's own `locale` is the portal's switch; null: the partner's). */
export type PortalSessionWithPartner = Omit<PortalSessionRow, 'partner_id' | 'user_email' | 'created_at'> & {
  partner: Omit<PartnerRow, 'api_key_hash' | 'created_at'>;
  user: Pick<PartnerUserRow, 'email' | 'name' | 'role'>;
};

export async function createPortalSession(
  db: Db,
  session: { tokenHash: string; partnerId: string; userEmail: string; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('portal_session')
    .values({
      token_hash: session.tokenHash,
      partner_id: session.partnerId,
      user_email: session.userEmail,
      csrf_token: session.csrfToken,
      expires_at: session.expiresAt,
    })
    .execute();
}

/** The session with its partner, unless it is unknown or expired. */
export async function findPortalSession(
  db: Db,
  tokenHash: string,
  now = new Date(),
): Promise<PortalSessionWithPartner | undefined> {
  const row = await db
    .selectFrom('portal_session as s')
    .innerJoin('partner as p', 'p.id', 's.partner_id')
    .innerJoin('partner_user as u', (j) =>
      j.onRef('u.partner_id', '=', 's.partner_id').onRef('u.email', '=', 's.user_email'),
    )
    .select([
      's.token_hash',
      's.csrf_token',
      's.locale',
      's.flash',
      's.expires_at',
      'p.id',
      'p.name',
      'p.notification_email',
      'p.locale as partner_locale',
      'u.email',
      'u.name as user_name',
      'u.role',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return (
    row && {
      token_hash: row.token_hash,
      csrf_token: row.csrf_token,
      locale: row.locale,
      flash: row.flash,
      expires_at: row.expires_at,
      partner: { id: row.id, name: row.name, notification_email: row.notification_email, locale: row.partner_locale },
      user: { email: row.email, name: row.user_name, role: row.role },
    }
  );
}

export async function deletePortalSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('portal_session').where('token_hash', '=', tokenHash).execute();
}

/** Sessions past their expiry are useless; removed now and then (at each sign-in). */
export async function deleteExpiredPortalSessions(db: Db, now = new Date()): Promise<void> {
  await db.deleteFrom('portal_session').where('expires_at', '<=', now).execute();
}

export async function setPortalSessionLocale(db: Db, tokenHash: string, locale: Locale | null): Promise<void> {
  await db.updateTable('portal_session').set({ locale }).where('token_hash', '=', tokenHash).execute();
}

/** Stores (or, with null, clears) the message the next page shows. */
export async function setPortalSessionFlash(db: Db, tokenHash: string, flash: unknown): Promise<void> {
  await db
    .updateTable('portal_session')
    .set({ flash: flash === null ? null : JSON.stringify(flash) })
    .where('token_hash', '=', tokenHash)
    .execute();
}

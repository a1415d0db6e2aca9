/** Partners (the learning-tool companies), as rows; services/partners.ts builds what callers see. */
import type { Db } from '../database';
import type { PartnerRow } from '../schema';
import type { Locale } from '../../domain/locale';

export interface NewPartner {
  id: string;
  name: string;
  notificationEmail: string;
  locale: Locale;
  apiKeyHash: string;
}

/**
 * Inserts a partner with its notification address as its first admin (in one transaction);
 * undefined when the id is taken.
 */
export async function insertPartner(db: Db, partner: NewPartner): Promise<PartnerRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('partner')
      .values({
        id: partner.id,
        name: partner.name,
        notification_email: partner.notificationEmail,
        locale: partner.locale,
        api_key_hash: partner.apiKeyHash,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) {
      // Named by the address: the admin may add themselves under their name and remove this one.
      const email = partner.notificationEmail.toLowerCase();
      await trx.insertInto('partner_user').values({ partner_id: row.id, email, name: email, role: 'admin' }).execute();
    }
    return row;
  });
}

export async function findPartner(db: Db, id: string): Promise<PartnerRow | undefined> {
  return db.selectFrom('partner').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPartnerByApiKeyHash(db: Db, apiKeyHash: string): Promise<PartnerRow | undefined> {
  return db.selectFrom('partner').selectAll().where('api_key_hash', '=', apiKeyHash).executeTakeFirst();
}

export async function updatePartnerSettings(
  db: Db,
  id: string,
  settings: { notificationEmail?: string; locale?: Locale },
): Promise<PartnerRow | undefined> {
  if (settings.notificationEmail === undefined && settings.locale === undefined) return findPartner(db, id);
  return db
    .updateTable('partner')
    .set({
      ...(settings.notificationEmail !== undefined && { notification_email: settings.notificationEmail }),
      ...(settings.locale !== undefined && { locale: settings.locale }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Replaces a partner's API key hash: the old key stops working at once. Portal sessions belong to
 * people, not to the key, and stay.
 */
export async function rotateApiKey(db: Db, id: string, apiKeyHash: string): Promise<void> {
  await db.updateTable('partner').set({ api_key_hash: apiKeyHash }).where('id', '=', id).execute();
}

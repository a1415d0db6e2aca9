/**
 * A partner's people: who may sign in to the portal, and who of them may invite and remove the
 * others (admins). The JSON API (/v1/partner/users, with the partner's key) and the portal's
 * Settings (a signed-in admin) call these same functions. Refusals are HttpErrors (services/errors.ts).
 */
import type { Db } from '../db/database';
import type { PartnerUserRow } from '../db/schema';
import { deletePartnerUser, insertPartnerUser, listPartnerUsers } from '../db/repositories/partner-users';
import { conflict, HttpError } from './errors';
import type { Partner } from './partners';
import { partnerUserBody } from './schemas';
import { parse } from './validate';
import type { PortalMail } from './portal-sign-in';

export interface PartnerUser {
  email: string;
  name: string;
  role: 'admin' | 'member';
}

/** GET /v1/partner/users' items. */
export type PartnerUserView = PartnerUser & { createdAt: string };

export function toPartnerUserView(row: PartnerUserRow): PartnerUserView {
  return { email: row.email, name: row.name, role: row.role, createdAt: row.created_at.toISOString() };
}

export interface PartnerUserService {
  list(partner: Partner): Promise<PartnerUserView[]>;
  /**
   * A new person at the partner (400 for bad input, 409 `user_exists` for an address it has), who
   * gets an invitation by mail (sent after the answer; a failure is logged by the mail sender).
   * `invitedBy`: the admin in the portal; absent, the partner's API key.
   */
  add(partner: Partner, input: unknown, invitedBy?: PartnerUser): Promise<PartnerUserView>;
  /** Removes a person, ending their sessions at once (404 `user_not_found`; 409 `last_admin`). */
  remove(partner: Partner, email: string): Promise<void>;
}

export function createPartnerUserService(
  db: Db,
  options: { mail?: PortalMail; publicUrl?: string } = {},
): PartnerUserService {
  return {
    async list(partner) {
      return (await listPartnerUsers(db, partner.id)).map(toPartnerUserView);
    },

    async add(partner, rawInput, invitedBy) {
      const input = parse(partnerUserBody, rawInput ?? {}, 'body');
      const row = await insertPartnerUser(db, { partnerId: partner.id, ...input });
      if (!row) throw conflict(`${input.email.toLowerCase()} is already one of your users.`, 'user_exists');
      if (options.mail && options.publicUrl !== undefined) {
        options.mail
          .invitation({
            to: row.email,
            locale: partner.locale,
            inviterName: invitedBy?.name ?? partner.name,
            partnerName: partner.name,
            signInUrl: `${options.publicUrl}/portal/sign-in?lang=${partner.locale}`,
          })
          .catch(() => undefined); // logged and counted by the sender; the person can still sign in
      }
      return toPartnerUserView(row);
    },

    async remove(partner, email) {
      switch (await deletePartnerUser(db, partner.id, email)) {
        case 'NOT_FOUND':
          throw new HttpError(404, 'user_not_found', 'No user with this e-mail address.');
        case 'LAST_ADMIN':
          throw conflict('This is the last admin: add another admin first.', 'last_admin');
        case 'DELETED':
          return;
      }
    },
  };
}

/**
 * Passwordless sign-in to the partner portal: an address in, a mail out with a one-time link per
 * partner at which the address has an account (none: no mail). A link's token is 256 random bits,
 * stored only as a hash, valid 15 minutes and used once; looking at a link (peek) does not use it,
 * so a mail scanner that fetches the link signs nobody in and spends nothing.
 */
import crypto from 'node:crypto';
import type { Db } from '../db/database';
import {
  findUsableSignInLink,
  findUsersByEmail,
  insertSignInLink,
  useSignInLink,
} from '../db/repositories/partner-users';
import type { Locale } from '../domain/locale';
import { hashApiKey } from './credentials';
import type { PartnerUser } from './partner-users';

/** How long a sign-in link works. */
export const SIGN_IN_LINK_MINUTES = 15;

/** The shape of a link's token (43 base64url characters: 256 bits); anything else is no token of ours. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Sends the portal's own mail (activities/portal-mail.ts, built by the API process). */
export interface PortalMail {
  signIn(mail: {
    to: string;
    locale: Locale;
    links: Array<{ partnerName: string; url: string }>;
    validMinutes: number;
  }): Promise<void>;
  invitation(mail: {
    to: string;
    locale: Locale;
    inviterName: string;
    partnerName: string;
    signInUrl: string;
  }): Promise<void>;
}

export interface PortalSignInService {
  /**
   * Mails the address a link for each of its accounts; resolves with how many (0: no account, and
   * no mail). Rejects when the mail could not be sent (already logged by the mail sender).
   */
  mailLinks(email: string, locale: Locale, now: Date): Promise<number>;
  /** Whom an unused, unexpired link would sign in; it stays usable. */
  peek(token: string, now: Date): Promise<{ partnerName: string; user: PartnerUser } | undefined>;
  /** Uses the link (once): whom it signs in, or undefined for a used, expired or unknown link. */
  use(token: string, now: Date): Promise<{ partnerId: string; email: string } | undefined>;
}

export function signInPath(token: string): string {
  return `/portal/sign-in/${token}`;
}

export function createPortalSignInService(
  db: Db,
  options: { mail: PortalMail; publicUrl: string },
): PortalSignInService {
  const hashOf = (token: string) => (TOKEN_SHAPE.test(token) ? hashApiKey(token) : undefined);
  return {
    async mailLinks(email, locale, now) {
      const users = await findUsersByEmail(db, email);
      if (users.length === 0) return 0;
      const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
      const links: Array<{ partnerName: string; url: string }> = [];
      for (const user of users) {
        const token = crypto.randomBytes(32).toString('base64url');
        await insertSignInLink(
          db,
          { tokenHash: hashApiKey(token), partnerId: user.partner_id, email: user.email, expiresAt },
          now,
        );
        // In the language the person asked in, for the page the link opens.
        links.push({ partnerName: user.partner_name, url: `${options.publicUrl}${signInPath(token)}?lang=${locale}` });
      }
      await options.mail.signIn({ to: users[0]!.email, locale, links, validMinutes: SIGN_IN_LINK_MINUTES });
      return links.length;
    },

    async peek(token, now) {
      const hash = hashOf(token);
      const row = hash && (await findUsableSignInLink(db, hash, now));
      return row
        ? { partnerName: row.partner_name, user: { email: row.email, name: row.name, role: row.role } }
        : undefined;
    },

    async use(token, now) {
      const hash = hashOf(token);
      const row = hash && (await useSignInLink(db, hash, now));
      return row ? { partnerId: row.partner_id, email: row.email } : undefined;
    },
  };
}

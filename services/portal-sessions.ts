/**
 * The partner portal's sessions (portal/session.ts keeps them in a cookie): each is known by the
 * hash of its token, belongs to one person at one partner (removing the person removes it), and carries the session's CSRF token, the language picked
 * with the portal's switch and the message for the next page.
 */
import type { Db } from '../db/database';
import {
  createPortalSession,
  deleteExpiredPortalSessions,
  deletePortalSession,
  findPortalSession,
  setPortalSessionFlash,
  setPortalSessionLocale,
} from '../db/repositories/portal-sessions';
import type { Locale } from '../domain/locale';
import { toPartner, type Partner } from './partners';
import type { PartnerUser } from './partner-users';

export interface PortalSession {
  tokenHash: string;
  partner: Partner;
  /** The person signed in. */
  user: PartnerUser;
  csrfToken: string;
  /** The language picked with the portal's switch; null follows the partner's settings. */
  locale: Locale | null;
  /** The message for the next page (post-redirect-get), as stored; the portal checks its shape. */
  flash: unknown;
  expiresAt: Date;
}

export interface PortalSessionService {
  /** The session with its partner, unless it is unknown or expired at `now`. */
  find(tokenHash: string, now: Date): Promise<PortalSession | undefined>;
  /** A new session; sessions that expired before `now` go at the same time. */
  start(
    session: { tokenHash: string; partnerId: string; userEmail: string; csrfToken: string; expiresAt: Date },
    now: Date,
  ): Promise<void>;
  end(tokenHash: string): Promise<void>;
  setLocale(tokenHash: string, locale: Locale | null): Promise<void>;
  /** Stores (or, with null, clears) the message the next page shows. */
  setFlash(tokenHash: string, flash: unknown): Promise<void>;
}

export function createPortalSessionService(db: Db): PortalSessionService {
  return {
    async find(tokenHash, now) {
      const row = await findPortalSession(db, tokenHash, now);
      return (
        row && {
          tokenHash: row.token_hash,
          partner: toPartner(row.partner),
          user: row.user,
          csrfToken: row.csrf_token,
          locale: row.locale,
          flash: row.flash,
          expiresAt: row.expires_at,
        }
      );
    },

    async start(session, now) {
      await deleteExpiredPortalSessions(db, now);
      await createPortalSession(db, session);
    },

    end: (tokenHash) => deletePortalSession(db, tokenHash),
    setLocale: (tokenHash, locale) => setPortalSessionLocale(db, tokenHash, locale),
    setFlash: (tokenHash, flash) => setPortalSessionFlash(db, tokenHash, flash),
  };
}

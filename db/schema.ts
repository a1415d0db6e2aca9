/** The tables as kysely sees them. Dates of the calendar (`YYYY-MM-DD`) are kept as text. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Locale } from '../domain/locale';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type JsonValue = ColumnType<unknown, string, string>;

export interface PartnerTable {
  id: string;
  name: string;
  notification_email: string;
  locale: Locale;
  api_key_hash: string;
  created_at: Generated<Timestamp>;
}

export interface LicenseRequestTable {
  id: string;
  partner_id: string;
  organisation_skolon_id: string;
  organisation_name: string;
  desired_availability: string | null;
  status: string;
  response: string;
  number_of_schools: number;
  answered_at: Timestamp | null;
  deadline: Timestamp | null;
  deadline_date: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  /** The workflow's write version last applied; older writes are ignored. */
  state_version: Generated<number>;
}

export interface SchoolTable {
  request_id: string;
  skolon_id: string;
  name: string;
  position: number;
  assignment: string;
}

export interface ContactTable {
  request_id: string;
  position: number;
  name: string;
  email: string;
}

export interface HistoryEventTable {
  id: Generated<string>;
  request_id: string;
  /** Unique per request: makes a retried write of the same event a no-op. */
  event_key: string;
  at: Timestamp;
  event: string;
  detail: JsonValue;
}

export interface IdempotencyKeyTable {
  key: string;
  request_fingerprint: string;
  request_id: string;
  created_at: Generated<Timestamp>;
}

export interface SentMailTable {
  request_id: string;
  occasion: string;
  sequence: number;
  message_id: string;
  recipients: string;
  /**
   * SENDING while an attempt holds the claim; DEFERRED when the server accepted the mail for some
   * recipients and deferred the others (pending_recipients), until a retry claims it again.
   */
  status: 'SENDING' | 'DEFERRED' | 'SENT' | 'FAILED';
  claimed_at: Timestamp;
  /** When the server first accepted the mail (for some or all recipients). */
  sent_at: Timestamp | null;
  /** Who is left, once the server deferred some recipients; null: all of `recipients`. */
  pending_recipients: string[] | null;
  error: string | null;
}

export interface PortalSessionTable {
  /** sha256 of the session token in the partner's cookie; the token itself is never stored. */
  token_hash: string;
  partner_id: string;
  csrf_token: string;
  locale: Locale | null;
  flash: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
}

/** A fixed-window rate-limit counter shared by every API replica (db/repositories/rate-limits.ts). */
export interface RateLimitTable {
  key: string;
  hits: number;
  reset_at: Timestamp;
}

export interface Database {
  partner: PartnerTable;
  license_request: LicenseRequestTable;
  school: SchoolTable;
  contact: ContactTable;
  history_event: HistoryEventTable;
  idempotency_key: IdempotencyKeyTable;
  sent_mail: SentMailTable;
  portal_session: PortalSessionTable;
  rate_limit: RateLimitTable;
}

export type PartnerRow = Selectable<PartnerTable>;
export type LicenseRequestRow = Selectable<LicenseRequestTable>;
export type NewLicenseRequest = Insertable<LicenseRequestTable>;
export type SchoolRow = Selectable<SchoolTable>;
export type ContactRow = Selectable<ContactTable>;
export type HistoryEventRow = Selectable<HistoryEventTable>;
export type SentMailRow = Selectable<SentMailTable>;
export type PortalSessionRow = Selectable<PortalSessionTable>;
export type RateLimitRow = Selectable<RateLimitTable>;

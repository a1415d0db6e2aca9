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

/** Kept by triggers on license_request (migration 2026-12-05-001): never written by the service. */
export interface PartnerRequestCountsTable {
  partner_id: string;
  /** Requests whose response is not UNANSWERED. */
  answered: number;
  /** Requests whose status is AWAITING_ANSWER. */
  not_answered: number;
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
  /** The signed-in person (partner_user.email); removing them removes the session. */
  user_email: string;
  csrf_token: string;
  locale: Locale | null;
  flash: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
}

export type PartnerUserRole = 'admin' | 'member';

/** A person at a partner who signs in to the portal; `email` is kept in lower case. */
export interface PartnerUserTable {
  partner_id: string;
  email: string;
  name: string;
  role: PartnerUserRole;
  created_at: DefaultedTimestamp;
}

/** A one-time sign-in link: sha256 of its token, for one user, valid until expires_at, used once. */
export interface PortalSignInLinkTable {
  token_hash: string;
  partner_id: string;
  email: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** The YES and NO links of one partner mail (db/migrations/2026-12-04-001-answer-links.ts). */
export interface AnswerLinkTable {
  request_id: string;
  occasion: string;
  sequence: number;
  sent_to: string;
  seed: Buffer;
  yes_token_hash: string;
  no_token_hash: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  /** The request's reopenings when the links were made. */
  reopenings: Generated<number>;
  used_at: Timestamp | null;
}

/** A fixed-window rate-limit counter shared by every API replica (db/repositories/rate-limits.ts). */
export interface RateLimitTable {
  key: string;
  hits: number;
  reset_at: Timestamp;
}

/** A timestamp the database fills in (now()) unless one is given. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A partner's webhook endpoint and its sealed signing secrets (db/secret-box.ts). */
export interface WebhookEndpointTable {
  partner_id: string;
  url: string;
  /** The chosen event types; null: every type. */
  events: string[] | null;
  secret_sealed: string;
  /** The secret before the last rotation, signing alongside the current one until it expires. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
}

/** One event for a partner's endpoint; `id` is its webhook-id, the same on every attempt. */
export interface WebhookDeliveryTable {
  id: string;
  partner_id: string;
  request_id: string | null;
  type: string;
  /** The exact body sent on every attempt. */
  payload: string;
  status: Generated<'PENDING' | 'DELIVERED' | 'FAILED'>;
  attempts: Generated<number>;
  created_at: DefaultedTimestamp;
  claimed_until: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
}

export interface Database {
  partner: PartnerTable;
  license_request: LicenseRequestTable;
  partner_request_counts: PartnerRequestCountsTable;
  school: SchoolTable;
  contact: ContactTable;
  history_event: HistoryEventTable;
  idempotency_key: IdempotencyKeyTable;
  sent_mail: SentMailTable;
  portal_session: PortalSessionTable;
  partner_user: PartnerUserTable;
  portal_sign_in_link: PortalSignInLinkTable;
  answer_link: AnswerLinkTable;
  rate_limit: RateLimitTable;
  webhook_endpoint: WebhookEndpointTable;
  webhook_delivery: WebhookDeliveryTable;
}

export type PartnerRow = Selectable<PartnerTable>;
export type LicenseRequestRow = Selectable<LicenseRequestTable>;
export type NewLicenseRequest = Insertable<LicenseRequestTable>;
export type SchoolRow = Selectable<SchoolTable>;
export type ContactRow = Selectable<ContactTable>;
export type HistoryEventRow = Selectable<HistoryEventTable>;
export type SentMailRow = Selectable<SentMailTable>;
export type PortalSessionRow = Selectable<PortalSessionTable>;
export type PartnerUserRow = Selectable<PartnerUserTable>;
export type PortalSignInLinkRow = Selectable<PortalSignInLinkTable>;
export type AnswerLinkRow = Selectable<AnswerLinkTable>;
export type RateLimitRow = Selectable<RateLimitTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;

/**
 * What the API accepts, checked at the edge. Bodies are strict: a field the API does not know is
 * refused with 400 (a misspelt optional field must not pass silently), and the OpenAPI document,
 * generated from these schemas, says so (`additionalProperties: false`). Every limit checked here
 * is one the document states (patterns, lengths in code points, formats), so that a client built
 * from the document never sends what the API then refuses.
 */
import { DEFAULT_LOCALE, LOCALES } from '../domain/locale';
import { z } from 'zod';
import { parseIsoDate, stockholmToday } from '../domain/working-days';
import { STATUSES } from '../domain/license-request';
import { MAX_WEBHOOK_URL_LENGTH, WEBHOOK_EVENT_TYPES } from '../domain/webhooks';

/** PostgreSQL text cannot hold NUL, and no name or id needs control characters (C0, DEL or C1). */
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
/** What String.prototype.trim() removes: JavaScript's WhiteSpace and LineTerminator, spelt out so
 * that every regex dialect (the document's readers use Python's and Rust's too) reads it alike. */
const SPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const NO_CONTROL = new RegExp(`^[^${CONTROL}]*$`);
/** No control character, and something besides white space (which is trimmed away). */
const NOT_BLANK = new RegExp(`^[^${CONTROL}]*[^${CONTROL}${SPACE}][^${CONTROL}]*$`);
/** Text that is not valid Unicode (a lone surrogate) cannot be stored or sent on: refuse it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * At most `max` characters, counted as JSON Schema counts them (code points, not UTF-16 units),
 * so that 150 emoji are as long for the API as the document's `maxLength` says.
 */
const atMost = (max: number) => (v: string) => [...v].length <= max;
const plain = (max: number) =>
  z
    .string()
    .regex(NO_CONTROL, 'must not contain control characters')
    .refine(atMost(max), `at most ${max} characters`)
    .refine((v) => !LONE_SURROGATE.test(v), 'must be valid Unicode')
    .meta({ maxLength: max });
/** Names and ids: something besides white space, trimmed, at most `max` characters before trimming. */
const text = (max: number) =>
  z
    .string()
    .regex(NOT_BLANK, 'must not be empty nor contain control characters')
    .refine(atMost(max), `at most ${max} characters`)
    .refine((v) => !LONE_SURROGATE.test(v), 'must be valid Unicode')
    .meta({ minLength: 1, maxLength: max })
    .trim();
const skolonId = text(100);
/**
 * zod's e-mail pattern (ASCII only, so no control characters), stated as the document's `pattern`
 * and without `format: email`: validators read that format by rules of their own (a local part of
 * at most 64 characters, quoted local parts), and the document must say what this API checks.
 */
const email = z
  .string()
  .regex(z.regexes.email, 'must be a valid e-mail address')
  .max(254)
  .meta({ description: 'an e-mail address' });
const locale = z.enum(LOCALES);

/** The same check as the API's, for the portal's sign-in form. */
export function isEmailAddress(value: string): boolean {
  return email.safeParse(value).success;
}

export const createPartnerBody = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" and "-", at most 63 characters'),
  name: text(200),
  notificationEmail: email,
  locale: locale.default(DEFAULT_LOCALE),
});

export const partnerSettingsBody = z.strictObject({
  notificationEmail: email.optional(),
  locale: locale.optional(),
});

export const PARTNER_USER_ROLES = ['admin', 'member'] as const;

/** A person at the partner: POST /v1/partner/users and the portal's invite form. */
export const partnerUserBody = z.strictObject({
  email,
  name: text(200),
  role: z.enum(PARTNER_USER_ROLES),
});

export const createLicenseRequestBody = z.strictObject({
  partnerId: text(63),
  organisation: z.strictObject({ skolonId, name: text(200) }),
  schools: z
    .array(z.strictObject({ skolonId, name: text(200) }))
    .min(1, 'at least one school')
    .max(1000, 'at most 1000 schools')
    // The document can say "no item twice" (uniqueItems), not "no skolonId twice": the description does.
    .meta({
      uniqueItems: true,
      description: 'Each school once: two entries with the same skolonId are refused with 400.',
    })
    .superRefine((schools, ctx) => {
      const seen = new Set<string>();
      schools.forEach((school, i) => {
        if (seen.has(school.skolonId)) {
          ctx.addIssue({ code: 'custom', path: [i, 'skolonId'], message: `school ${school.skolonId} is listed twice` });
        }
        seen.add(school.skolonId);
      });
    }),
  // The document adds "not before today" as a pattern of the day it is served (api/openapi.ts).
  desiredAvailability: z.iso
    .date('must be a real date as YYYY-MM-DD')
    .refine((v) => parseIsoDate(v) !== undefined, 'must be a real date as YYYY-MM-DD')
    .refine((v) => v >= stockholmToday(), 'must not be before today (Europe/Stockholm)')
    .nullish(),
  contacts: z
    .array(z.strictObject({ name: text(200), email }))
    .min(1, 'at least one contact')
    .max(20, 'at most 20 contacts'),
});

const schoolIds = z.array(skolonId).max(1000, 'at most 1000 schools');

export const answerBody = z.strictObject({
  response: z.enum(['YES', 'NO'], 'must be "YES" or "NO"'),
  schools: schoolIds.optional(),
});

export const assignmentsBody = z.strictObject({
  schools: schoolIds.min(1, 'name at least one school'),
});

export const withdrawBody = z.strictObject({}).optional();

/** Why support made an exception: kept in the history and told to the partner, so a sentence or a short paragraph. */
export const MAX_REASON_LENGTH = 1000;
const reason = text(MAX_REASON_LENGTH).meta({
  description: 'Why: kept in the history and given in the mail (trimmed; not blank).',
});

/**
 * POST .../deadline. Only the date's shape is checked here; whether it may be the new deadline (a
 * working day, not past, after the current one) is the rulebook's question, answered with
 * `invalid_deadline` (see services/license-requests.ts).
 */
export const extendDeadlineBody = z.strictObject({
  date: z.iso
    // One message for a date that is malformed (`abort`: the real-date check below then does not repeat it).
    .date({ error: 'must be a real date as YYYY-MM-DD', abort: true })
    .refine((v) => parseIsoDate(v) !== undefined, 'must be a real date as YYYY-MM-DD')
    .meta({
      description:
        'The new deadline date (Europe/Stockholm): a Swedish working day later than the current deadline date. ' +
        'The deadline becomes the end of that day.',
    }),
  reason,
});

export const reopenBody = z.strictObject({ reason });

export const resendNotificationBody = z.strictObject({}).optional();

/**
 * A list cursor is the position after which the next page starts: the last item's creation time
 * (milliseconds since 1970, at most 13 digits, so any value is a date JavaScript and PostgreSQL
 * both hold) and its id. Every string of this shape is a position, so a made-up one is answered
 * like any other; anything else is refused.
 */
export const CURSOR = /^(0|[1-9][0-9]{0,12})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const listQuery = z.object({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(CURSOR, 'must be the nextCursor of an earlier page').optional(),
  partnerId: plain(63).optional(),
});

/** What the services accept as an id (the portal's links too): any short text, then looked up. */
export const requestIdParam = z.object({ id: plain(100).pipe(z.string().min(1)) });

/** The JSON API's `{id}`: request ids are UUIDs, so anything else is a bad path (400), not a lookup. */
export const licenseRequestPath = z.object({
  id: z.guid('must be a UUID').transform((id) => id.toLowerCase()),
});

/** The Idempotency-Key header, when sent (after HTTP's own trimming of white space). */
export const idempotencyKeyHeader = z.string().min(1).max(200);

/** PUT /v1/partner/webhook. Whether the URL may be used is checked after this (400 invalid_webhook_url). */
export const webhookBody = z.strictObject({
  url: plain(MAX_WEBHOOK_URL_LENGTH)
    .pipe(z.string().min(1, 'must not be empty'))
    .meta({
      description:
        'Where deliveries go: an https URL whose host resolves to public addresses only (no loopback, private, ' +
        'link-local or unique-local address), without a user name or password.',
    }),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1, 'name at least one event type, or leave events out for all of them')
    .refine((events) => new Set(events).size === events.length, 'each event type once')
    .meta({ uniqueItems: true, description: 'The event types to deliver; left out: all of them.' })
    .optional(),
});

export const rotateWebhookSecretBody = z.strictObject({}).optional();

// --- What the API answers with (used for the OpenAPI document and checked by its test) ----------

const isoInstant = z.string().describe('ISO-8601 instant');
const status = z.enum(STATUSES);

export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('snake_case, stable: clients branch on it'),
    message: z.string().describe('for a person'),
    details: z.array(z.object({ field: z.string().optional(), message: z.string() })).optional(),
  }),
});

export const partnerResponse = z.object({
  id: z.string(),
  name: z.string(),
  notificationEmail: z.string(),
  locale: locale,
});

export const partnerCreatedResponse = partnerResponse.extend({
  apiKey: z.string().describe('shown this once; only a hash is stored'),
});

export const apiKeyResponse = z.object({ id: z.string(), apiKey: z.string() });

export const partnerUserResponse = z.object({
  email: z.string().describe('in lower case: the address signs in'),
  name: z.string(),
  role: z.enum(PARTNER_USER_ROLES).describe('admin: may also invite and remove people; member: everything else'),
  createdAt: isoInstant,
});

export const partnerUserListResponse = z.object({ items: z.array(partnerUserResponse) });

const requestSummaryFields = {
  id: z.string(),
  partnerId: z.string(),
  organisation: z.object({ skolonId: z.string(), name: z.string() }),
  numberOfSchools: z.number().int(),
  desiredAvailability: z.string().nullable().describe('YYYY-MM-DD'),
  status,
  response: z.enum(['UNANSWERED', 'YES', 'NO']),
  answeredAt: isoInstant.nullable(),
  deadline: isoInstant.nullable().describe('end of the deadline date in Europe/Stockholm, with its offset'),
  createdAt: isoInstant,
  finishedAt: isoInstant.nullable(),
};

export const licenseRequestResponse = z.object({
  ...requestSummaryFields,
  schools: z.array(
    z.object({ skolonId: z.string(), name: z.string(), assignment: z.enum(['PENDING', 'ASSIGNED', 'NOT_LICENSED']) }),
  ),
  contacts: z.array(z.object({ name: z.string(), email: z.string() })),
  history: z.array(
    z.object({
      at: isoInstant,
      event: z
        .string()
        .describe(
          'What happened: CREATED, ANSWERED, DEADLINE_SET, SCHOOLS_ASSIGNED, OVERDUE, COMPLETED, WITHDRAWN; ' +
            "support's DEADLINE_EXTENDED (detail: from, to, reason, by), REOPENED (reason, by) and " +
            'NOTIFICATION_RESENT (by); mail: PARTNER_NOTIFIED, PARTNER_REMINDED, ESCALATED_TO_SUPPORT, ' +
            'CONTACTS_NOTIFIED, MAIL_FAILED, REMINDER_SKIPPED. New names may be added: show an unknown one as it is.',
        ),
      detail: z.unknown(),
    }),
  ),
});

export const licenseRequestListResponse = z.object({
  summary: z.object({ answered: z.number().int(), notAnswered: z.number().int() }),
  items: z.array(z.object(requestSummaryFields)),
  nextCursor: z.string().nullable(),
});

export const healthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'down']),
  temporal: z.enum(['ok', 'down']),
  mail: z.object({ failedLast24h: z.number().int(), waitingOver10Min: z.number().int() }).optional(),
});

export const webhookDeliveryResponse = z.object({
  id: z.string().describe('the webhook-id header of every attempt'),
  event: z.enum(WEBHOOK_EVENT_TYPES),
  requestId: z.string().nullable(),
  createdAt: isoInstant.describe('when the event happened'),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.number().int(),
  lastAttemptAt: isoInstant.nullable(),
  httpStatus: z.number().int().nullable().describe("the receiver's status on the last attempt; null: no answer"),
  latencyMs: z.number().int().nullable().describe('how long the last attempt took until the status line'),
  error: z.string().nullable().describe('why the last attempt failed'),
  deliveredAt: isoInstant.nullable(),
});

export const webhookResponse = z.object({
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  disabled: z
    .object({ at: isoInstant, reason: z.string() })
    .nullable()
    .describe('set when deliveries stopped on their own (e.g. the receiver answered 410); a PUT enables it again'),
  previousSecretExpiresAt: isoInstant
    .nullable()
    .describe('after a rotation: until when the previous secret still signs beside the new one'),
  deliveries: z.array(webhookDeliveryResponse).describe('the latest deliveries, newest first'),
});

export const webhookPutResponse = webhookResponse.extend({
  secret: z
    .string()
    .optional()
    .describe('the signing secret (whsec_…): only in the answer that created the endpoint, and never again'),
});

export const webhookSecretResponse = z.object({
  secret: z.string().describe('the new signing secret (whsec_…), shown this once'),
  previousSecretExpiresAt: isoInstant.describe('until then the previous secret signs beside this one'),
});

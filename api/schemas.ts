/** What the API accepts, checked at the edge. Unknown fields are ignored (stripped). */
import { z } from 'zod';
import { parseIsoDate, stockholmToday } from '../domain/working-days';
import { STATUSES } from '../workflows/definitions';

/** PostgreSQL text cannot hold NUL, and no name or id needs control characters. */
/** Text that is not valid Unicode (a lone surrogate) cannot be stored or sent on: refuse it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
const noControlCharacters = (v: string) => !LONE_SURROGATE.test(v) && !/[\u0000-\u001f\u007f]/.test(v);
const plain = (max: number) =>
  z.string().max(max, `at most ${max} characters`).refine(noControlCharacters, 'must not contain control characters');
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `at most ${max} characters`)
    .refine(noControlCharacters, 'must not contain control characters');
const skolonId = text(100);
const email = z
  .email('must be a valid e-mail address')
  .max(254)
  .refine(noControlCharacters, 'must not contain control characters');
const locale = z.enum(['sv', 'en']);

export const createPartnerBody = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" and "-", at most 63 characters'),
  name: text(200),
  notificationEmail: email,
  locale: locale.default('sv'),
});

export const partnerSettingsBody = z.object({
  notificationEmail: email.optional(),
  locale: locale.optional(),
});

export const createLicenseRequestBody = z.object({
  partnerId: text(63),
  organisation: z.object({ skolonId, name: text(200) }),
  schools: z
    .array(z.object({ skolonId, name: text(200) }))
    .min(1, 'at least one school')
    .max(1000, 'at most 1000 schools')
    .superRefine((schools, ctx) => {
      const seen = new Set<string>();
      schools.forEach((school, i) => {
        if (seen.has(school.skolonId)) {
          ctx.addIssue({ code: 'custom', path: [i, 'skolonId'], message: `school ${school.skolonId} is listed twice` });
        }
        seen.add(school.skolonId);
      });
    }),
  desiredAvailability: z
    .string()
    .refine((v) => parseIsoDate(v) !== undefined, 'must be a real date as YYYY-MM-DD')
    .refine((v) => v >= stockholmToday(), 'must not be before today (Europe/Stockholm)')
    .nullish(),
  contacts: z
    .array(z.object({ name: text(200), email }))
    .min(1, 'at least one contact')
    .max(20, 'at most 20 contacts'),
});
export type CreateLicenseRequestBody = z.infer<typeof createLicenseRequestBody>;

const schoolIds = z.array(skolonId).max(1000, 'at most 1000 schools');

export const answerBody = z.object({
  response: z.enum(['YES', 'NO'], 'must be "YES" or "NO"'),
  schools: schoolIds.optional(),
});

export const assignmentsBody = z.object({
  schools: schoolIds.min(1, 'name at least one school'),
});

export const withdrawBody = z.object({}).optional();

export const listQuery = z.object({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: plain(500).optional(),
  partnerId: plain(63).optional(),
});

export const requestIdParam = z.object({ id: plain(100).pipe(z.string().min(1)) });

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
  history: z.array(z.object({ at: isoInstant, event: z.string(), detail: z.unknown() })),
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

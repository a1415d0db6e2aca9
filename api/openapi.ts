/**
 * The OpenAPI 3.1 document served at GET /openapi.json. Request and response schemas, path and
 * query parameters come from the same zod schemas the API validates with (services/schemas.ts), so the
 * document cannot drift from the checks; test/e2e/openapi.test.ts holds it against the routes and
 * the real responses, and `npm run schemathesis` against what an independent tool makes of it.
 */
import { z } from 'zod';
import { stockholmToday, swedishCalendar } from '../domain/working-days';
import {
  answerBody,
  apiKeyResponse,
  assignmentsBody,
  createLicenseRequestBody,
  createPartnerBody,
  errorResponse,
  extendDeadlineBody,
  healthResponse,
  idempotencyKeyHeader,
  licenseRequestListResponse,
  licenseRequestPath,
  licenseRequestResponse,
  listQuery,
  partnerCreatedResponse,
  partnerResponse,
  partnerSettingsBody,
  partnerUserBody,
  partnerUserListResponse,
  partnerUserResponse,
  reopenBody,
  resendNotificationBody,
  rotateWebhookSecretBody,
  webhookBody,
  webhookDeliveryResponse,
  webhookPutResponse,
  webhookResponse,
  webhookSecretResponse,
  withdrawBody,
} from '../services/schemas';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks';
import { MAX_EXTENSION_DAYS } from '../domain/license-request';

type Schema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });

const ERRORS = {
  '400': error(
    'Bad input: malformed JSON, a missing body, wrong types, missing or unknown fields, a path id that is not a ' +
      'UUID, a cursor not of the documented shape, unknown schools, bad dates. Nothing changed.',
  ),
  '401': error('No token, or an unknown one.'),
  '403': error('A valid token of the other role (admin vs partner).'),
  '404': error("No such request, or another partner's."),
  '409': error("The request's status does not allow this (or an Idempotency-Key reused with another body)."),
  '413': error('Body larger than 1 MiB.'),
  '429': error('More calls a minute than the token may make; see Retry-After.'),
  '503': error('PostgreSQL or Temporal does not answer; see Retry-After.'),
};

const pick = (...codes: Array<keyof typeof ERRORS>) => Object.fromEntries(codes.map((c) => [c, ERRORS[c]]));
const common = pick('401', '429', '503');

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: jsonSchema(licenseRequestPath.shape.id, 'input'),
  description: 'The request id (a UUID, as `id` in the request).',
};

const LIST_PARAMETER_NOTES: Record<string, string> = {
  cursor:
    "Where the page starts: `nextCursor` of the page before (the last item's creation time in ms since 1970, " +
    '`_`, its id). Any value of this shape is a position; anything else is refused with 400.',
  partnerId: 'Admin only; a partner may name only itself.',
};
const listParameters = Object.entries(listQuery.shape).map(([name, schema]) => ({
  name,
  in: 'query',
  required: false,
  schema: jsonSchema(schema, 'input'),
  ...(LIST_PARAMETER_NOTES[name] && { description: LIST_PARAMETER_NOTES[name] }),
}));

/** Same-length digit strings greater than `digits`, as regex alternatives (none for 99…9). */
function greaterThan(digits: string): string[] {
  return [...digits].flatMap((d, i) => {
    const rest = digits.length - i - 1;
    return d === '9' ? [] : [`${digits.slice(0, i)}[${Number(d) + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ''}`];
  });
}

/**
 * `YYYY-MM-DD` on or after `today`, as a regex: JSON Schema cannot compare dates, and the API
 * refuses a desired date in the past, so the document served each day states that day's limit.
 */
export function notBeforePattern(today: string): string {
  const [y = '', m = '', d = ''] = today.split('-');
  const alternatives = [
    ...greaterThan(y).map((later) => `(?:${later})-[0-9]{2}-[0-9]{2}`),
    ...greaterThan(m).map((later) => `${y}-(?:${later})-[0-9]{2}`),
    ...[...greaterThan(d), d].map((day) => `${y}-${m}-(?:${day})`),
  ];
  return `^(?:${alternatives.join('|')})$`;
}

/** The create body, with "not before today" stated on desiredAvailability (see notBeforePattern). */
function createLicenseRequestSchema(today: string): Schema {
  const schema = jsonSchema(createLicenseRequestBody, 'input');
  const properties = schema.properties as Record<string, Schema>;
  properties.desiredAvailability = {
    anyOf: [{ type: 'string', format: 'date', pattern: notBeforePattern(today) }, { type: 'null' }],
    description: `A real date, not before today in Europe/Stockholm (${today} when this document was served).`,
  };
  return schema;
}
/**
 * The extension body, with "not before today" stated on its date as on desiredAvailability; that
 * it is a working day after the current deadline, no schema can say (400 invalid_deadline).
 */
function extendDeadlineSchema(today: string): Schema {
  const schema = jsonSchema(extendDeadlineBody, 'input');
  const properties = schema.properties as Record<string, Schema>;
  const date = properties.date ?? {};
  const described = typeof date.description === 'string' ? `${date.description} ` : '';
  properties.date = {
    ...date,
    pattern: notBeforePattern(today),
    description:
      `${described}Not before today (${today} when this document was served) and at most ` +
      `${MAX_EXTENSION_DAYS} days after it.`,
  };
  return schema;
}

/** An error answer with its code(s) and an example of each, for the exceptions' particular 400s and 409s. */
function errorWithExamples(description: string, examples: Record<string, { code: string; message: string }>) {
  return {
    description,
    content: {
      'application/json': {
        schema: ref('Error'),
        examples: Object.fromEntries(Object.entries(examples).map(([name, error]) => [name, { value: { error } }])),
      },
    },
  };
}

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: jsonSchema(idempotencyKeyHeader, 'input'),
  description: "A retry with the same key gets the first call's outcome instead of a second change.",
};

const noWebhook = error('No webhook is set up for this partner.');

/** What each event is for (README, "Webhooks"); every one carries the request as `data`. */
const WEBHOOK_EVENTS: Record<(typeof WEBHOOK_EVENT_TYPES)[number], string> = {
  'license_request.created': 'A new request to the partner (and a reopened one is `reopened`).',
  'license_request.reminder': 'A reminder: the request is still unanswered, or (overdue) still not assigned.',
  'license_request.deadline_near': 'The assignment deadline is at the end of the next working day.',
  'license_request.overdue': 'The assignment deadline has passed: the request is OVERDUE.',
  'license_request.deadline_extended': 'Support moved the assignment deadline.',
  'license_request.reopened': 'A declined request was reopened and awaits an answer again.',
  'license_request.withdrawn': 'The organisation withdrew the request.',
};

/** OpenAPI 3.1 `webhooks`: what the service POSTs to a partner's endpoint, one entry per event type. */
function webhookEvents(): Schema {
  const headers = [
    ['webhook-id', "The event's id: the same on every retry of one event (drop repeats by it)."],
    ['webhook-timestamp', 'When this attempt was made, in Unix seconds.'],
    [
      'webhook-signature',
      '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` keyed by the secret; two, space ' +
        'separated, for 24 hours after a rotation (one per secret). Verify with the `standardwebhooks` package.',
    ],
  ].map(([name, description]) => ({ name, in: 'header', required: true, schema: { type: 'string' }, description }));
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: WEBHOOK_EVENTS[type],
          description:
            'Sent to the endpoint set with PUT /v1/partner/webhook, following the Standard Webhooks specification. ' +
            'A 2xx answer within 10 s is delivered; anything else (redirects are not followed) is tried again with ' +
            'backoff for at least 24 hours; 410 stops deliveries to the endpoint.',
          parameters: headers,
          requestBody: {
            required: true,
            content: json({
              type: 'object',
              required: ['type', 'timestamp', 'data'],
              properties: {
                type: { const: type },
                timestamp: { type: 'string', description: 'ISO-8601 instant: when the event happened' },
                data: ref('LicenseRequest'),
              },
            }),
          },
          responses: {
            '2XX': { description: 'Delivered.' },
            '410': { description: 'The endpoint is gone: deliveries to it stop.' },
          },
        },
      },
    ]),
  );
}

let served: { today: string; document: Schema } | undefined;

/** The document as of today (Europe/Stockholm): its desiredAvailability limit moves with the date. */
export function openApiDocument(today: string = stockholmToday()): Schema {
  if (served?.today !== today) served = { today, document: buildDocument(today) };
  return served.document;
}

/** The documented paths and their methods (for the 405 answers, api/method-not-allowed.ts). */
export function documentedPaths(): Record<string, Record<string, unknown>> {
  return openApiDocument().paths as Record<string, Record<string, unknown>>;
}

function buildDocument(today: string): Schema {
  // A date the extension example may name on the day the document is served.
  const exampleDeadline = swedishCalendar.nthWorkingDayAfter(today, 7);
  return {
    openapi: '3.1.0',
    info: {
      title: 'License-request service',
      version: '1',
      description:
        'License requests from school organisations to learning-tool partners (see the README). ' +
        'A request body with a field the API does not know is refused with 400, as is a call without the body ' +
        'it needs. A documented path called with a method it does not declare answers 405 with `Allow` ' +
        '(OPTIONS: 204 with `Allow`). Every response carries X-Request-Id.',
    },
    components: {
      securitySchemes: {
        admin: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN (platform side).' },
        partner: {
          type: 'http',
          scheme: 'bearer',
          description: "A partner's API key (for integrations; people sign in to the portal by e-mail).",
        },
      },
      schemas: {
        Error: jsonSchema(errorResponse, 'output'),
        Partner: jsonSchema(partnerResponse, 'output'),
        PartnerCreated: jsonSchema(partnerCreatedResponse, 'output'),
        ApiKey: jsonSchema(apiKeyResponse, 'output'),
        PartnerUser: jsonSchema(partnerUserResponse, 'output'),
        PartnerUserList: jsonSchema(partnerUserListResponse, 'output'),
        LicenseRequest: jsonSchema(licenseRequestResponse, 'output'),
        LicenseRequestList: jsonSchema(licenseRequestListResponse, 'output'),
        Health: jsonSchema(healthResponse, 'output'),
        Webhook: jsonSchema(webhookResponse, 'output'),
        WebhookSet: jsonSchema(webhookPutResponse, 'output'),
        WebhookSecret: jsonSchema(webhookSecretResponse, 'output'),
        WebhookDelivery: jsonSchema(webhookDeliveryResponse, 'output'),
      },
    },
    webhooks: webhookEvents(),
    paths: {
      '/health': {
        get: {
          summary: 'Whether PostgreSQL and Temporal answer, and mail trouble',
          security: [],
          responses: {
            '200': { description: 'Both answer.', content: json(ref('Health')) },
            '503': { description: 'One does not.', content: json(ref('Health')) },
          },
        },
      },
      '/livez': {
        get: {
          summary: 'Liveness: the process serves requests',
          security: [],
          responses: { '200': { description: 'Alive.', content: json({ type: 'object' }) } },
        },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: PostgreSQL and Temporal answer',
          security: [],
          responses: {
            '200': { description: 'Ready.', content: json({ type: 'object' }) },
            '503': { description: 'Not ready.', content: json({ type: 'object' }) },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics: HTTP calls, business counters, Node and (with a worker) Temporal SDK metrics',
          description:
            'Prometheus text format. Open unless METRICS_TOKEN is set; then it needs that token as a bearer token.',
          security: [],
          responses: {
            '200': { description: 'Prometheus text exposition format 0.0.4.', content: { 'text/plain': {} } },
            '401': error('METRICS_TOKEN is set and was not sent.'),
          },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/v1/partners': {
        post: {
          summary: 'Create a partner (its API key is returned once)',
          security: [{ admin: [] }],
          requestBody: { required: true, content: json(jsonSchema(createPartnerBody, 'input')) },
          responses: {
            '201': { description: 'Created.', content: json(ref('PartnerCreated')) },
            ...pick('400', '403', '409', '413'),
            ...common,
          },
        },
      },
      '/v1/partner/settings': {
        get: {
          summary: "The calling partner's settings",
          security: [{ partner: [] }],
          responses: { '200': { description: 'Settings.', content: json(ref('Partner')) }, ...pick('403'), ...common },
        },
        put: {
          summary: 'Change the notification e-mail address and/or language',
          security: [{ partner: [] }],
          requestBody: { required: true, content: json(jsonSchema(partnerSettingsBody, 'input')) },
          responses: {
            '200': { description: 'The settings now.', content: json(ref('Partner')) },
            ...pick('400', '403', '413'),
            ...common,
          },
        },
      },
      '/v1/partner/api-key': {
        post: {
          summary: 'Rotate the API key: returns a new key; the old one stops working at once',
          security: [{ partner: [] }],
          responses: {
            '201': { description: 'The new key.', content: json(ref('ApiKey')) },
            ...pick('403'),
            ...common,
          },
        },
      },
      '/v1/partner/users': {
        get: {
          summary: "The calling partner's people: who signs in to the partner portal, and who of them are admins",
          security: [{ partner: [] }],
          responses: {
            '200': { description: 'Oldest first.', content: json(ref('PartnerUserList')) },
            ...pick('403'),
            ...common,
          },
        },
        post: {
          summary: 'Add a person: they sign in to the portal with this address (a link by mail) and get an invitation',
          security: [{ partner: [] }],
          requestBody: { required: true, content: json(jsonSchema(partnerUserBody, 'input')) },
          responses: {
            '201': { description: 'Added.', content: json(ref('PartnerUser')) },
            '409': errorWithExamples('The partner has a person with this address already (`user_exists`).', {
              exists: { code: 'user_exists', message: 'anna@partner.example is already one of your users.' },
            }),
            ...pick('400', '403', '413'),
            ...common,
          },
        },
      },
      '/v1/partner/users/{email}': {
        delete: {
          summary: 'Remove a person: their portal sessions and sign-in links end at once',
          security: [{ partner: [] }],
          parameters: [
            {
              name: 'email',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'The e-mail address (any case), URL-encoded.',
            },
          ],
          responses: {
            '204': { description: 'Removed.' },
            '404': error('The partner has no person with this address (`user_not_found`).'),
            '409': errorWithExamples('This is the last admin (`last_admin`): add another admin first.', {
              lastAdmin: { code: 'last_admin', message: 'This is the last admin: add another admin first.' },
            }),
            ...pick('403'),
            ...common,
          },
        },
      },
      '/v1/partner/webhook': {
        get: {
          summary: "The calling partner's webhook: URL, events and the latest deliveries (never the secret)",
          security: [{ partner: [] }],
          responses: {
            '200': { description: 'The webhook.', content: json(ref('Webhook')) },
            '404': noWebhook,
            ...pick('403'),
            ...common,
          },
        },
        put: {
          summary: 'Set the webhook URL and events; the answer that creates it carries the signing secret, once',
          description:
            'The URL must be https and its host must resolve to public addresses only (not loopback, private, ' +
            'link-local or unique-local): otherwise 400 with code `invalid_webhook_url`. Changing the URL or the ' +
            'events keeps the secret (POST /v1/partner/webhook/secret makes a new one) and enables a disabled webhook.',
          security: [{ partner: [] }],
          requestBody: { required: true, content: json(jsonSchema(webhookBody, 'input')) },
          responses: {
            '200': {
              description: 'The webhook now; with `secret` when this call created it.',
              content: json(ref('WebhookSet')),
            },
            '400': error(
              'Bad input (malformed JSON, a missing body, wrong types, unknown fields), or `invalid_webhook_url`: ' +
                'the URL is not https, has a user name or password, or its host is or resolves to a loopback, ' +
                'private, link-local or unique-local address. Nothing changed.',
            ),
            ...pick('403', '413'),
            ...common,
          },
        },
        delete: {
          summary: 'Remove the webhook: nothing more is delivered (removing none is not an error)',
          security: [{ partner: [] }],
          responses: { '204': { description: 'Removed.' }, ...pick('403'), ...common },
        },
      },
      '/v1/partner/webhook/secret': {
        post: {
          summary:
            'Rotate the signing secret: returns the new one; the previous one keeps signing beside it for 24 hours',
          security: [{ partner: [] }],
          requestBody: { required: false, content: json(jsonSchema(rotateWebhookSecretBody.unwrap(), 'input')) },
          responses: {
            '200': { description: 'The new secret.', content: json(ref('WebhookSecret')) },
            '404': noWebhook,
            ...pick('400', '403', '413'),
            ...common,
          },
        },
      },
      '/v1/partner/webhook/deliveries/{id}/redeliver': {
        post: {
          summary: 'Redeliver one delivery now: the same event, body and webhook-id (also one delivered or given up)',
          description:
            'The attempt goes out in the background; if it fails, the delivery is retried as a new one (for 24 hours). ' +
            'GET /v1/partner/webhook shows how it went.',
          security: [{ partner: [] }],
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The webhook-id.' },
          ],
          responses: {
            '202': {
              description: 'Redelivery started; the delivery as it is now.',
              content: json(ref('WebhookDelivery')),
            },
            '404': error('No such delivery for this partner, or no webhook is set up.'),
            '409': error('The webhook is disabled (`webhook_disabled`, e.g. after a 410 Gone): set it again first.'),
            ...pick('403'),
            ...common,
          },
        },
      },
      '/v1/license-requests': {
        post: {
          summary: 'Create a license request (starts its workflow)',
          security: [{ admin: [] }],
          parameters: [idempotencyKey],
          requestBody: { required: true, content: json(createLicenseRequestSchema(today)) },
          responses: {
            '201': {
              description: 'Created (or the one an earlier call with the same key created).',
              content: json(ref('LicenseRequest')),
            },
            ...pick('400', '403', '409', '413'),
            ...common,
          },
        },
        get: {
          summary: "List requests, newest first: a partner's own, or (admin) all or one partner's",
          security: [{ admin: [] }, { partner: [] }],
          parameters: listParameters,
          responses: {
            '200': { description: 'A page.', content: json(ref('LicenseRequestList')) },
            ...pick('400', '403'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}': {
        get: {
          summary: 'One request with its schools, contacts and history',
          security: [{ admin: [] }, { partner: [] }],
          parameters: [idParam],
          responses: {
            '200': { description: 'The request.', content: json(ref('LicenseRequest')) },
            ...pick('400', '404'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}/answer': {
        post: {
          summary: 'The partner answers YES (optionally naming the licensed schools) or NO',
          security: [{ partner: [] }],
          parameters: [idParam, idempotencyKey],
          requestBody: { required: true, content: json(jsonSchema(answerBody, 'input')) },
          responses: {
            '200': { description: 'The request after the answer.', content: json(ref('LicenseRequest')) },
            ...pick('400', '403', '404', '409', '413'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}/assignments': {
        post: {
          summary: 'The partner reports schools as assigned (an assigned school again is a no-op)',
          security: [{ partner: [] }],
          parameters: [idParam, idempotencyKey],
          requestBody: { required: true, content: json(jsonSchema(assignmentsBody, 'input')) },
          responses: {
            '200': { description: 'The request after the assignment.', content: json(ref('LicenseRequest')) },
            ...pick('400', '403', '404', '409', '413'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}/withdraw': {
        post: {
          summary: 'The administrator withdraws an open request',
          security: [{ admin: [] }],
          parameters: [idParam, idempotencyKey],
          requestBody: { required: false, content: json(jsonSchema(withdrawBody.unwrap(), 'input')) },
          responses: {
            '200': { description: 'The withdrawn request.', content: json(ref('LicenseRequest')) },
            ...pick('400', '403', '404', '409', '413'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}/deadline': {
        post: {
          summary: 'Support extends the assignment deadline to the end of a later working day',
          description:
            'While AWAITING_ASSIGNMENT or OVERDUE (an OVERDUE request goes back to AWAITING_ASSIGNMENT). The reminders ' +
            'follow the new deadline; the partner and the contacts are mailed, with the reason; the history records ' +
            'DEADLINE_EXTENDED with `from`, `to`, `reason` and `by`.',
          security: [{ admin: [] }],
          parameters: [idParam, idempotencyKey],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: extendDeadlineSchema(today),
                examples: {
                  extend: {
                    summary: 'Two more working days',
                    value: { date: exampleDeadline, reason: "The school's licenses are being renewed." },
                  },
                },
              },
            },
          },
          responses: {
            '200': { description: 'The request with its new deadline.', content: json(ref('LicenseRequest')) },
            '400': errorWithExamples(
              '`invalid_deadline`: the date is not a real date, not a working day in Sweden, before today, not ' +
                `later than the current deadline date, or more than ${MAX_EXTENSION_DAYS} days ahead ` +
                '(`details` names `date` and the problem). `invalid_request`: other bad input ' +
                '(malformed JSON, a missing body, a blank reason, unknown fields, a path id that is not a UUID). ' +
                'Nothing changed.',
              {
                notAWorkingDay: {
                  code: 'invalid_deadline',
                  message: 'The new deadline must be a working day in Sweden.',
                },
                notLater: {
                  code: 'invalid_deadline',
                  message: 'The new deadline must be later than the current deadline date.',
                },
                blankReason: { code: 'invalid_request', message: 'The request body is not valid.' },
              },
            ),
            '409': errorWithExamples(
              'The request is not waiting for assignments (AWAITING_ANSWER, or finished), or an Idempotency-Key was ' +
                'used with another body. Nothing changed.',
              {
                finished: {
                  code: 'invalid_transition',
                  message: 'The request is COMPLETED: it cannot be given a later deadline now.',
                },
              },
            ),
            ...pick('403', '404', '413'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}/reopen': {
        post: {
          summary: 'Support reopens a DECLINED request (a NO given by mistake): it awaits an answer again',
          description:
            'Within REOPEN_WINDOW_DAYS (default 30) of the NO. Same id; response UNANSWERED, every school PENDING; ' +
            'the partner is mailed as for a new request, with the reason, and the reminders start over. The history ' +
            'keeps the NO and records REOPENED with `reason` and `by`.',
          security: [{ admin: [] }],
          parameters: [idParam, idempotencyKey],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: jsonSchema(reopenBody, 'input'),
                examples: { reopen: { value: { reason: 'The partner answered NO on the wrong request.' } } },
              },
            },
          },
          responses: {
            '200': { description: 'The request, AWAITING_ANSWER again.', content: json(ref('LicenseRequest')) },
            '409': errorWithExamples(
              'The request is not DECLINED, its NO is older than the reopen window, or an Idempotency-Key was used ' +
                'with another body. Nothing changed.',
              {
                notDeclined: {
                  code: 'invalid_transition',
                  message: 'The request is AWAITING_ANSWER: only a DECLINED request can be reopened.',
                },
                windowClosed: {
                  code: 'invalid_transition',
                  message: 'The NO is older than the reopen window: the request cannot be reopened.',
                },
              },
            ),
            ...pick('400', '403', '404', '413'),
            ...common,
          },
        },
      },
      '/v1/license-requests/{id}/notifications/resend': {
        post: {
          summary: "Support sends the partner's notification for the current status again",
          description:
            'AWAITING_ANSWER: the request mail; AWAITING_ASSIGNMENT or OVERDUE: the deadline reminder. A new mail with ' +
            'a new Message-ID, recorded as NOTIFICATION_RESENT. With an Idempotency-Key, a retry sends no second mail.',
          security: [{ admin: [] }],
          parameters: [idParam, idempotencyKey],
          requestBody: { required: false, content: json(jsonSchema(resendNotificationBody.unwrap(), 'input')) },
          responses: {
            '200': { description: 'The request; the mail is on its way.', content: json(ref('LicenseRequest')) },
            '409': errorWithExamples('The request is finished (DECLINED, COMPLETED or WITHDRAWN). Nothing was sent.', {
              finished: {
                code: 'invalid_transition',
                message: 'The request is WITHDRAWN: it cannot be notified again now.',
              },
            }),
            ...pick('400', '403', '404', '413'),
            ...common,
          },
        },
      },
    },
  };
}

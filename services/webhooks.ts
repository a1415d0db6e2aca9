/**
 * A partner's webhook endpoint (README, "Webhooks"): set it, read it with its latest deliveries,
 * remove it, rotate its signing secret. The JSON API calls these (api/routes/webhooks.ts), and the
 * portal's Settings page is to call the same. Refusals are HttpErrors (services/errors.ts).
 *
 * The signing secret is shown once, when it is made, and stored sealed (db/secret-box.ts explains
 * why sealed and not hashed). A URL must pass the same address rules as a delivery does
 * (domain/webhooks.ts), checked here on the addresses its host resolves to now; a delivery checks
 * again on the address it connects to (activities/webhook-sender.ts).
 */
import crypto from 'node:crypto';
import dns from 'node:dns';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/database';
import {
  deleteWebhookEndpoint,
  findWebhookDelivery,
  findWebhookEndpoint,
  reopenWebhookDelivery,
  recentWebhookDeliveries,
  rotateWebhookSecret,
  upsertWebhookEndpoint,
  webhookSecretContext,
} from '../db/repositories/webhooks';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../db/schema';
import { createSecretBox, type SecretBox } from '../db/secret-box';
import {
  addressProblem,
  addressLiteral,
  checkWebhookUrlSyntax,
  hostOf,
  isWebhookEventType,
  SECRET_ROTATION_OVERLAP_MS,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '../domain/webhooks';
import { webhookDeliveryWorkflowId } from '../domain/webhook-events';
import { redeliverSignal } from '../workflows/definitions';
import type { webhookDeliveryWorkflow } from '../workflows/webhook-delivery';
import { conflict, HttpError, unavailable } from './errors';
import type { Partner } from './partners';
import { rotateWebhookSecretBody, webhookBody } from './schemas';
import { parse } from './validate';

/** How many of the latest deliveries GET shows. */
export const RECENT_DELIVERIES = 20;

/** A resolver: every address of a host name (tests give one of their own; by default the system's). */
export type ResolveHost = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface WebhookServiceOptions {
  /** WEBHOOK_SECRET_KEY; without it, setting an endpoint or rotating its secret answers 503. */
  secretKey?: Buffer;
  allowInsecure: boolean;
  resolve?: ResolveHost;
  /** How long resolving a host may take before the call is answered 503. */
  resolveTimeoutMs?: number;
  /** Where redeliveries are started (the API's Temporal client); without it, redeliver answers 503. */
  temporal?: { client: Client; taskQueue: string };
}

export interface WebhookDeliveryView {
  id: string;
  event: WebhookEventType;
  requestId: string | null;
  createdAt: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastAttemptAt: string | null;
  httpStatus: number | null;
  latencyMs: number | null;
  error: string | null;
  deliveredAt: string | null;
}

export interface WebhookView {
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  updatedAt: string;
  disabled: { at: string; reason: string } | null;
  previousSecretExpiresAt: string | null;
  deliveries: WebhookDeliveryView[];
}

export interface WebhookService {
  /** The partner's endpoint with its latest deliveries; 404 when it has none. */
  get(partner: Partner): Promise<WebhookView>;
  /** Sets the URL and events; the answer carries the secret only when this call made the endpoint. */
  put(partner: Partner, input: unknown): Promise<WebhookView & { secret?: string }>;
  /** Removes the endpoint (nothing is delivered any more); removing none is not an error. */
  remove(partner: Partner): Promise<void>;
  /** A new secret; the previous one keeps signing beside it for 24 hours. 404 without an endpoint. */
  rotateSecret(partner: Partner, input: unknown): Promise<{ secret: string; previousSecretExpiresAt: string }>;
  /**
   * A fresh attempt at one of the partner's deliveries, now: the same event, body and webhook-id,
   * also for one delivered or given up before; retried as a new delivery if it fails. 404 for a
   * delivery that is not the partner's, 409 while the webhook is disabled.
   */
  redeliver(partner: Partner, deliveryId: string): Promise<WebhookDeliveryView>;
}

/** A new signing secret as Standard Webhooks writes them: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

const noSuchDelivery = () => new HttpError(404, 'not_found', 'No such webhook delivery.');

const notConfigured = () =>
  new HttpError(404, 'not_found', 'No webhook is set up for this partner; PUT /v1/partner/webhook sets one.');

export const invalidWebhookUrl = (problem: string) =>
  new HttpError(400, 'invalid_webhook_url', `This webhook URL cannot be used: ${problem}`, [
    { field: 'url', message: problem },
  ]);

const iso = (value: Date | string) => new Date(value).toISOString();

function deliveryView(row: WebhookDeliveryRow): WebhookDeliveryView {
  return {
    id: row.id,
    event: row.type as WebhookEventType,
    requestId: row.request_id,
    createdAt: iso(row.created_at),
    status: row.status,
    attempts: row.attempts,
    lastAttemptAt: row.last_attempt_at && iso(row.last_attempt_at),
    httpStatus: row.last_status,
    latencyMs: row.last_latency_ms,
    error: row.last_error,
    deliveredAt: row.delivered_at && iso(row.delivered_at),
  };
}

function endpointView(row: WebhookEndpointRow, deliveries: WebhookDeliveryRow[], now = new Date()): WebhookView {
  const previousExpires = row.previous_secret_expires_at && new Date(row.previous_secret_expires_at);
  return {
    url: row.url,
    // Stored as null when the partner took them all, so that types added later are delivered too.
    events: row.events ? row.events.filter(isWebhookEventType) : [...WEBHOOK_EVENT_TYPES],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    disabled: row.disabled_at ? { at: iso(row.disabled_at), reason: row.disabled_reason ?? '' } : null,
    previousSecretExpiresAt: previousExpires && previousExpires > now ? previousExpires.toISOString() : null,
    deliveries: deliveries.map(deliveryView),
  };
}

const systemResolve: ResolveHost = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** DNS answers that mean "try again later", not "no such name". */
const TEMPORARY_DNS_FAILURES = ['EAI_AGAIN', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED'];

export function createWebhookService(db: Db, options: WebhookServiceOptions): WebhookService {
  const box: SecretBox | undefined = options.secretKey && createSecretBox(options.secretKey);
  const resolve = options.resolve ?? systemResolve;
  const resolveTimeoutMs = options.resolveTimeoutMs ?? 5_000;

  const secretBox = (): SecretBox => {
    if (!box) throw unavailable('Webhook signing (WEBHOOK_SECRET_KEY is not set on this server)');
    return box;
  };

  /** Every address the host resolves to now must be public (unless insecure URLs are allowed). */
  async function checkUrl(raw: string): Promise<string> {
    const checked = checkWebhookUrlSyntax(raw, { allowInsecure: options.allowInsecure });
    if (!checked.ok) throw invalidWebhookUrl(checked.problem);
    const { url } = checked;
    if (options.allowInsecure || addressLiteral(url)) return url.toString();
    const host = hostOf(url);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), resolveTimeoutMs);
    });
    let addresses: Array<{ address: string }>;
    try {
      addresses = await Promise.race([resolve(host), timeout]);
    } catch (error) {
      const code = (error as { code?: unknown })?.code;
      if (typeof code === 'string' && TEMPORARY_DNS_FAILURES.includes(code)) {
        throw unavailable(`Resolving ${host}`);
      }
      throw invalidWebhookUrl(`${host} does not resolve to an address${typeof code === 'string' ? ` (${code})` : ''}.`);
    } finally {
      clearTimeout(timer);
    }
    if (addresses.length === 0) throw invalidWebhookUrl(`${host} does not resolve to an address.`);
    for (const { address } of addresses) {
      const problem = addressProblem(address);
      if (problem) {
        throw invalidWebhookUrl(`${host} resolves to ${address}, ${problem}: the URL must reach a public address.`);
      }
    }
    return url.toString();
  }

  async function view(partnerId: string, row: WebhookEndpointRow): Promise<WebhookView> {
    return endpointView(row, await recentWebhookDeliveries(db, partnerId, RECENT_DELIVERIES));
  }

  return {
    async get(partner) {
      const row = await findWebhookEndpoint(db, partner.id);
      if (!row) throw notConfigured();
      return view(partner.id, row);
    },

    async put(partner, rawInput) {
      const input = parse(webhookBody, rawInput ?? {}, 'body');
      const sealer = secretBox();
      const url = await checkUrl(input.url);
      // Made on every call, kept only by the call that creates the endpoint.
      const secret = newWebhookSecret();
      const { row, created } = await upsertWebhookEndpoint(db, {
        partnerId: partner.id,
        url,
        events: input.events ? WEBHOOK_EVENT_TYPES.filter((type) => input.events!.includes(type)) : null,
        secretSealed: sealer.seal(secret, webhookSecretContext(partner.id)),
      });
      return { ...(await view(partner.id, row)), ...(created && { secret }) };
    },

    async remove(partner) {
      await deleteWebhookEndpoint(db, partner.id);
    },

    async rotateSecret(partner, rawInput) {
      parse(rotateWebhookSecretBody, rawInput, 'body');
      const sealer = secretBox();
      const secret = newWebhookSecret();
      const row = await rotateWebhookSecret(
        db,
        partner.id,
        sealer.seal(secret, webhookSecretContext(partner.id)),
        SECRET_ROTATION_OVERLAP_MS,
      );
      if (!row?.previous_secret_expires_at) throw notConfigured();
      return { secret, previousSecretExpiresAt: iso(row.previous_secret_expires_at) };
    },

    async redeliver(partner, deliveryId) {
      const delivery = await findWebhookDelivery(db, deliveryId);
      if (!delivery || delivery.partner_id !== partner.id) throw noSuchDelivery();
      const endpoint = await findWebhookEndpoint(db, partner.id);
      if (!endpoint) throw notConfigured();
      if (endpoint.disabled_at) {
        throw conflict(
          `The webhook is disabled (${endpoint.disabled_reason ?? 'no reason given'}); set it again (PUT /v1/partner/webhook) first.`,
          'webhook_disabled',
        );
      }
      if (!options.temporal) throw unavailable('Webhook delivery');
      const reopened = await reopenWebhookDelivery(db, partner.id, deliveryId);
      if (!reopened) throw noSuchDelivery();
      // The event's workflow: woken if it is waiting to try again, started anew if it has ended.
      try {
        await options.temporal.client.workflow.signalWithStart<typeof webhookDeliveryWorkflow, []>(
          'webhookDeliveryWorkflow',
          {
            workflowId: webhookDeliveryWorkflowId(deliveryId),
            taskQueue: options.temporal.taskQueue,
            args: [{ deliveryId, requestId: reopened.request_id ?? '', type: reopened.type as WebhookEventType }],
            signal: redeliverSignal,
            signalArgs: [],
          },
        );
      } catch {
        throw unavailable('Temporal');
      }
      return deliveryView(reopened);
    },
  };
}

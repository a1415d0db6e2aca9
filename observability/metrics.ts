/**
 * Prometheus metrics of one process, served at `/metrics` (the API's port, or the worker's
 * WORKER_HEALTH_PORT): HTTP metrics of the API, business counters, Node's process metrics, and the
 * Temporal SDK's own worker metrics (see runtime/telemetry.ts), all in one text.
 *
 * Business counters count where the work is done and only when it is done for the first time: a
 * transition when its history event is newly stored (a retried activity stores nothing new), a
 * mail when it is marked SENT or FAILED. So each process counts what it did; sum over processes.
 */
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const httpRequests = new client.Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered by the API, by method, route template and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from receiving an HTTP request to the end of its response.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  registers: [registry],
});

const requestsCreated = new client.Counter({
  name: 'license_requests_created_total',
  help: 'License requests created (a retried create with the same Idempotency-Key is not counted again).',
  registers: [registry],
});

const requestsAnswered = new client.Counter({
  name: 'license_requests_answered_total',
  help: "Partners' answers recorded, by response.",
  labelNames: ['response'] as const,
  registers: [registry],
});

const requestsOverdue = new client.Counter({
  name: 'license_requests_overdue_total',
  help: 'Requests whose assignment deadline passed with schools still pending.',
  registers: [registry],
});

const requestsCompleted = new client.Counter({
  name: 'license_requests_completed_total',
  help: 'Requests whose licensed schools were all assigned.',
  registers: [registry],
});

const requestsWithdrawn = new client.Counter({
  name: 'license_requests_withdrawn_total',
  help: 'Requests withdrawn by the organisation.',
  registers: [registry],
});

const deadlinesExtended = new client.Counter({
  name: 'license_requests_deadline_extended_total',
  help: 'Assignment deadlines moved later by support.',
  registers: [registry],
});

const requestsReopened = new client.Counter({
  name: 'license_requests_reopened_total',
  help: 'Declined requests reopened by support (a NO given by mistake).',
  registers: [registry],
});

const mailsSent = new client.Counter({
  name: 'license_request_mails_sent_total',
  help: 'Mails accepted by the SMTP server, by occasion.',
  labelNames: ['occasion'] as const,
  registers: [registry],
});

const mailsFailed = new client.Counter({
  name: 'license_request_mails_failed_total',
  help: 'Mails refused for good by the SMTP server (not retried), by occasion.',
  labelNames: ['occasion'] as const,
  registers: [registry],
});

const webhooksDelivered = new client.Counter({
  name: 'license_request_webhooks_delivered_total',
  help: "Webhook events delivered (a 2xx from the partner's receiver), by event type.",
  labelNames: ['type'] as const,
  registers: [registry],
});

const webhooksFailed = new client.Counter({
  name: 'license_request_webhooks_failed_total',
  help: 'Webhook events given up on (retried for 24 hours, 410 Gone, endpoint removed or refused), by event type.',
  labelNames: ['type'] as const,
  registers: [registry],
});

const webhookAttemptDuration = new client.Histogram({
  name: 'license_request_webhook_delivery_duration_seconds',
  help: "Time from sending a webhook delivery to the receiver's answer (attempts that got one), by event type.",
  labelNames: ['type'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const portalMails = new client.Counter({
  name: 'portal_mails_total',
  help: "The portal's own mail (kind: sign-in, invitation) sent by the API, or given up (outcome: sent, failed).",
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const businessMetrics = {
  requestCreated(): void {
    requestsCreated.inc();
  },
  /** History events newly stored by a transition (see db/repositories/license-requests.ts). */
  historyEventsStored(events: ReadonlyArray<{ event: string; detail?: unknown }>): void {
    for (const { event, detail } of events) {
      if (event === 'ANSWERED') {
        const response = (detail as { response?: unknown } | undefined)?.response;
        requestsAnswered.inc({ response: response === 'YES' || response === 'NO' ? response : 'UNKNOWN' });
      } else if (event === 'OVERDUE') requestsOverdue.inc();
      else if (event === 'COMPLETED') requestsCompleted.inc();
      else if (event === 'WITHDRAWN') requestsWithdrawn.inc();
      else if (event === 'DEADLINE_EXTENDED') deadlinesExtended.inc();
      else if (event === 'REOPENED') requestsReopened.inc();
    }
  },
  mailSent(occasion: string): void {
    mailsSent.inc({ occasion });
  },
  mailFailed(occasion: string): void {
    mailsFailed.inc({ occasion });
  },
  portalMail(kind: string, outcome: 'sent' | 'failed'): void {
    portalMails.inc({ kind, outcome });
  },
  /** An attempt that the receiver answered (whatever it answered), after `latencyMs`. */
  webhookAttempt(type: string, latencyMs: number): void {
    webhookAttemptDuration.observe({ type }, latencyMs / 1000);
  },
  webhookDelivered(type: string): void {
    webhooksDelivered.inc({ type });
  },
  webhookFailed(type: string): void {
    webhooksFailed.inc({ type });
  },
};

/** Extra exposition text appended to ours (the SDK's metrics); set once by runtime/telemetry.ts. */
let extraSource: (() => Promise<string>) | undefined;
export function appendMetricsFrom(source: () => Promise<string>): void {
  extraSource = source;
}

export const METRICS_CONTENT_TYPE = registry.contentType;

export async function metricsText(): Promise<string> {
  const [ours, extra] = await Promise.all([registry.metrics(), extraSource ? extraSource() : Promise.resolve('')]);
  return extra ? `${ours.trimEnd()}\n${extra}` : ours;
}

/** The HTTP API (contract: "HTTP API"): createApp(deps) builds it, api/server.ts listens. */
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/database';
import { rateLimitStores } from '../http/rate-limit-store';
import { securityHeaders } from '../http/security-headers';
import { authenticate, bearerMatches } from './auth';
import { errorHandler } from './errors';
import { HttpError } from '../services/errors';
import { silentLogger, type Logger } from '../observability/logger';
import { METRICS_CONTENT_TYPE, metricsText } from '../observability/metrics';
import { accessLog, requestId } from './middleware';
import { methodNotAllowed } from './method-not-allowed';
import { apiRateLimits } from './rate-limit';
import { documentedPaths, openApiDocument } from './openapi';
import { licenseRequestsRouter } from './routes/license-requests';
import { partnersRouter } from './routes/partners';
import { webhooksRouter } from './routes/webhooks';
import { partnerUsersRouter } from './routes/partner-users';
import { createHealthService } from '../services/health';
import { createLicenseRequestService } from '../services/license-requests';
import { createPartnerService } from '../services/partners';
import { createPortalSessionService } from '../services/portal-sessions';
import { createPartnerUserService } from '../services/partner-users';
import { createPortalSignInService, type PortalMail } from '../services/portal-sign-in';
import { createAnswerLinkService } from '../services/answer-links';
import { createWebhookService, type WebhookServiceOptions } from '../services/webhooks';
import { createStatusPageService } from '../services/status-pages';
import { portalRouter } from '../portal/router';
import { statusPageRouter } from '../portal/status-page';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  adminToken: string;
  /** Authenticated calls a minute per token (default 600). */
  rateLimitPerMinute?: number;
  /** Calls a minute per client address that fail authentication (default 30). */
  failedAuthPerMinute?: number;
  /** TRUST_PROXY: how many proxies in front of the API to trust for the client address (default 0). */
  trustProxy?: number;
  /** Access log and error lines (default: none). */
  logger?: Logger;
  /** When set, GET /metrics needs it as a bearer token. */
  metricsToken?: string;
  /** PUBLIC_URL: the partner portal's cookies are Secure when it is https; its mail links start with it. */
  publicUrl?: string;
  /**
   * The portal's own mail (sign-in links, invitations: activities/portal-mail.ts over the process's
   * mailer). Without it (some tests) such mail is not sent, and an error is logged instead.
   */
  portalMail?: PortalMail;
  /** WEBHOOK_SECRET_KEY and WEBHOOK_ALLOW_INSECURE (without a key, setting a webhook answers 503). */
  webhooks?: WebhookServiceOptions;
  /**
   * STATUS_PAGE_KEY: checks the tokens of the organisations' status pages (/status/<token>). The
   * processes always have one; an app built without it (some tests) serves no status pages.
   */
  statusPageKey?: Buffer;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // A hop count, never `true`: only the proxies we run may name the client (rate limits, throttle).
  app.set('trust proxy', deps.trustProxy ?? 0);
  app.use(requestId());
  app.use(accessLog(deps.logger ?? silentLogger));
  app.use(securityHeaders());
  // A documented path called with a method it does not declare: 405 with Allow, before any token check.
  app.use(methodNotAllowed(documentedPaths()));

  // One implementation of the rules, for the JSON API and the partner portal alike.
  const requests = createLicenseRequestService(deps);
  const partners = createPartnerService(deps.db);
  const logger = deps.logger ?? silentLogger;
  const portalMail: PortalMail = deps.portalMail ?? {
    signIn: async () => logger.error('portal mail: this process has no mailer; a sign-in link was not sent'),
    invitation: async () => logger.error('portal mail: this process has no mailer; an invitation was not sent'),
  };
  const publicUrl = deps.publicUrl ?? '';
  const users = createPartnerUserService(deps.db, { mail: portalMail, publicUrl });
  const health = createHealthService(deps);
  // Rate limits and the portal's sign-in throttle count in PostgreSQL, shared by every API process.
  const stores = rateLimitStores(deps.db);

  // For orchestrators: alive while the process serves; ready while its dependencies answer.
  app.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { database, temporal } = await health.dependencies();
    res.status(database && temporal ? 200 : 503).json({ status: database && temporal ? 'ok' : 'unavailable' });
  });

  app.get('/health', async (_req, res) => {
    const { database, temporal } = await health.dependencies();
    const ok = database && temporal;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      database: database ? 'ok' : 'down',
      temporal: temporal ? 'ok' : 'down',
      // Mail trouble does not make the service unhealthy, but an operator should see it here.
      ...(database && { mail: await health.mail().catch(() => undefined) }),
    });
  });

  // Prometheus text: HTTP, business and (in a process with a worker) the Temporal SDK's metrics.
  app.get('/metrics', async (req, res) => {
    if (deps.metricsToken && !bearerMatches(req.get('authorization'), deps.metricsToken)) {
      throw new HttpError(401, 'unauthorized', 'GET /metrics needs the metrics token as a bearer token.');
    }
    res.type(METRICS_CONTENT_TYPE).send(await metricsText());
  });

  // Built per day: the earliest desiredAvailability it states is today's date.
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  const v1 = express.Router();
  const limits = apiRateLimits({
    stores,
    adminToken: deps.adminToken,
    perMinute: deps.rateLimitPerMinute ?? 600,
    failedAuthPerMinute: deps.failedAuthPerMinute ?? 30,
  });
  v1.use(limits.beforeAuthentication);
  v1.use(authenticate(partners, deps.adminToken));
  v1.use(limits.afterAuthentication);
  // Bodies are read after the token is checked: a stranger gets 401 whatever it sends.
  v1.use(express.json({ limit: '1mb', type: () => true }));
  v1.use(partnersRouter(partners));
  const webhooks = createWebhookService(deps.db, {
    ...(deps.webhooks ?? { allowInsecure: false }),
    temporal: { client: deps.temporal, taskQueue: deps.taskQueue },
  });
  v1.use(webhooksRouter(webhooks));
  v1.use(partnerUsersRouter(users));
  v1.use(licenseRequestsRouter(requests));
  app.use('/v1', v1);

  // The partner portal: HTML pages for partners without an integration (portal/router.ts).
  app.use(
    '/portal',
    portalRouter({
      requests,
      partners,
      users,
      signIn: createPortalSignInService(deps.db, { mail: portalMail, publicUrl }),
      answerLinks: createAnswerLinkService(deps.db, requests),
      sessions: createPortalSessionService(deps.db),
      webhooks,
      rateLimitStores: stores,
      publicUrl: deps.publicUrl,
    }),
  );

  // The organisations' read-only status pages, linked from every mail to their contacts.
  if (deps.statusPageKey) {
    app.use(
      '/status',
      statusPageRouter({ pages: createStatusPageService(deps.db, deps.statusPageKey), rateLimitStores: stores }),
    );
  }

  app.use(() => {
    throw new HttpError(404, 'not_found', 'There is nothing at this path.');
  });
  app.use(errorHandler);
  return app;
}

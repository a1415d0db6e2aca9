/** The license-request endpoints: HTTP in and out; the rules live in services/license-requests.ts. */
import { Router, type Request } from 'express';
import type { LicenseRequestService } from '../../services/license-requests';
import { caller, requireAdmin, requirePartner } from '../auth';
import { licenseRequestPath } from '../../services/schemas';
import { idempotencyKey, params, requiredBody } from '../../services/validate';

export function licenseRequestsRouter(requests: LicenseRequestService): Router {
  const router = Router();
  // The document says `{id}` is a UUID: anything else is a bad path (400) before any lookup.
  const id = (req: Request) => params(req, licenseRequestPath).id;

  router.post('/license-requests', async (req, res) => {
    requireAdmin(req);
    const created = await requests.create(requiredBody(req), idempotencyKey(req));
    res.status(201).location(`/v1/license-requests/${created.id}`).json(created);
  });

  router.get('/license-requests', async (req, res) => {
    res.json(await requests.list(caller(req), req.query));
  });

  router.get('/license-requests/:id', async (req, res) => {
    res.json(await requests.get(caller(req), id(req)));
  });

  router.post('/license-requests/:id/answer', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await requests.answer({ role: 'partner', partner }, id(req), requiredBody(req), idempotencyKey(req)));
  });

  router.post('/license-requests/:id/assignments', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await requests.assign({ role: 'partner', partner }, id(req), requiredBody(req), idempotencyKey(req)));
  });

  router.post('/license-requests/:id/withdraw', async (req, res) => {
    requireAdmin(req);
    // The body is optional here: none at all is the same as `{}`.
    res.json(await requests.withdraw(id(req), req.body, idempotencyKey(req)));
  });

  // Support's exceptions (README, "For support staff").
  router.post('/license-requests/:id/deadline', async (req, res) => {
    requireAdmin(req);
    res.json(await requests.extendDeadline(id(req), requiredBody(req), idempotencyKey(req)));
  });

  router.post('/license-requests/:id/reopen', async (req, res) => {
    requireAdmin(req);
    res.json(await requests.reopen(id(req), requiredBody(req), idempotencyKey(req)));
  });

  router.post('/license-requests/:id/notifications/resend', async (req, res) => {
    requireAdmin(req);
    // Like withdraw: no body at all is the same as `{}`.
    res.json(await requests.resendNotification(id(req), req.body, idempotencyKey(req)));
  });

  return router;
}

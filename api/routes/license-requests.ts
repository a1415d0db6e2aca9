/** The license-request endpoints: HTTP in and out; the rules live in api/services/license-requests.ts. */
import { Router } from 'express';
import type { LicenseRequestService } from '../services/license-requests';
import { caller, requireAdmin, requirePartner } from '../auth';

export function licenseRequestsRouter(requests: LicenseRequestService): Router {
  const router = Router();
  const idempotencyKey = (req: { get(name: string): string | undefined }) => req.get('idempotency-key');

  router.post('/license-requests', async (req, res) => {
    requireAdmin(req);
    const created = await requests.create(req.body, idempotencyKey(req));
    res.status(201).location(`/v1/license-requests/${created.id}`).json(created);
  });

  router.get('/license-requests', async (req, res) => {
    res.json(await requests.list(caller(req), req.query));
  });

  router.get('/license-requests/:id', async (req, res) => {
    res.json(await requests.get(caller(req), req.params.id));
  });

  router.post('/license-requests/:id/answer', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await requests.answer(partner, req.params.id, req.body, idempotencyKey(req)));
  });

  router.post('/license-requests/:id/assignments', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await requests.assign(partner, req.params.id, req.body, idempotencyKey(req)));
  });

  router.post('/license-requests/:id/withdraw', async (req, res) => {
    requireAdmin(req);
    res.json(await requests.withdraw(req.params.id, req.body, idempotencyKey(req)));
  });

  return router;
}

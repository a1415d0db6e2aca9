/** The calling partner's webhook endpoint: HTTP in and out; the rules live in services/webhooks.ts. */
import { Router } from 'express';
import type { WebhookService } from '../../services/webhooks';
import { requirePartner } from '../auth';
import { requiredBody } from '../../services/validate';

export function webhooksRouter(webhooks: WebhookService): Router {
  const router = Router();

  router.get('/partner/webhook', async (req, res) => {
    res.json(await webhooks.get(requirePartner(req)));
  });

  // Sets the endpoint; the answer that creates it carries the signing secret, this once.
  router.put('/partner/webhook', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await webhooks.put(partner, requiredBody(req)));
  });

  router.delete('/partner/webhook', async (req, res) => {
    await webhooks.remove(requirePartner(req));
    res.status(204).end();
  });

  // A new secret; the previous one keeps signing beside it for 24 hours. The body is optional: `{}`.
  router.post('/partner/webhook/secret', async (req, res) => {
    const partner = requirePartner(req);
    res.json(await webhooks.rotateSecret(partner, req.body));
  });

  // A fresh attempt at one delivery now (same event, same webhook-id); 202: it goes out in the background.
  router.post('/partner/webhook/deliveries/:id/redeliver', async (req, res) => {
    const partner = requirePartner(req);
    res.status(202).json(await webhooks.redeliver(partner, String(req.params.id)));
  });

  return router;
}
